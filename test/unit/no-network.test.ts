// The unit project refuses sockets (test/support/no-network.ts): a server started or a connection opened
// here throws, naming where such a test belongs.
import { createServer } from 'node:http';
import net from 'node:net';

it('refuses to start a server', () => {
  expect(() => createServer().listen(0, '127.0.0.1')).toThrow(/test\/integration/);
});

it('refuses to open a connection', () => {
  const socket = new net.Socket();
  expect(() => socket.connect(9, '127.0.0.1')).toThrow(/test\/integration/);
  socket.destroy();
});
