// The unit project's promise: no test opens a socket. A server (or a connection) there means the test
// belongs to test/integration, which starts real servers on 127.0.0.1; this makes the mistake loud.
import net from 'node:net';

const refuse = (what: string) => () => {
  throw new Error(`${what} in a unit test: tests that open sockets live in test/integration/`);
};

net.Server.prototype.listen = refuse('net.Server.listen') as typeof net.Server.prototype.listen;
net.Socket.prototype.connect = refuse('net.Socket.connect') as typeof net.Socket.prototype.connect;
