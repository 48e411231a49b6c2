// The unit project's promise: no test opens a socket. A server (or a connection) there means the test
// belongs to test/integration, which starts real servers on 127.0.0.1; this makes the mistake loud.
// Core modules are shared by every test file a Jest worker runs (unit and integration alike), so the
// refusal is put in place for one unit file and taken away after it.
import net from 'node:net';

const original = { listen: net.Server.prototype.listen, connect: net.Socket.prototype.connect };

const refuse = (what: string) => () => {
  throw new Error(`${what} in a unit test: tests that open sockets live in test/integration/`);
};

beforeAll(() => {
  net.Server.prototype.listen = refuse('net.Server.listen') as typeof net.Server.prototype.listen;
  net.Socket.prototype.connect = refuse('net.Socket.connect') as typeof net.Socket.prototype.connect;
});

afterAll(() => {
  net.Server.prototype.listen = original.listen;
  net.Socket.prototype.connect = original.connect;
});
