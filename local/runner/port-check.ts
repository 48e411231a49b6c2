// `npm start -- --serve` checks its port before it boots anything: a second run fails at once, saying
// which option picks another port, instead of after the whole demo with a bare EADDRINUSE.
import { createServer } from 'node:net';

/** The serve port is taken; the message names the `--port` option. */
export class PortInUseError extends Error {
  constructor(host: string, port: number) {
    super(
      `${host}:${port} is already in use (another \`npm start -- --serve\`?): pick another port with --port <n>, or --port 0 for any free one`,
    );
    this.name = 'PortInUseError';
  }
}

/** Whether `error` is Node's "address in use" from a listen. */
export function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE';
}

/** Resolves when `port` can be listened on at `host` (it is released again at once); else PortInUseError. */
export async function assertPortFree(port: number, host = '127.0.0.1'): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error) => reject(isAddressInUse(error) ? new PortInUseError(host, port) : error));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}
