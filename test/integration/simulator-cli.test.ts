// `npm run sim`: the standalone simulator prints its URL and credentials, serves, and stops on SIGINT.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

const children: ChildProcess[] = [];

afterAll(() => {
  // A failed assertion must not leave a simulator running.
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function startCli(args: string[]): { child: ChildProcess; output: () => string; ready: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/sim-cli.ts', ...args], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url && output.includes('Ctrl-C')) resolve(url);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`sim exited early (${code}): ${output}`)));
  });
  return { child, output: () => output, ready };
}

describe('npm run sim', () => {
  it('serves with the printed credentials and the chosen mode, and exits 0 on SIGINT', async () => {
    const { child, output, ready } = startCli(['--participants-mode', 'additive', '--companies', '12']);
    const url = await ready;
    const clientId = /client_id=(\S+)/.exec(output())?.[1] ?? '';
    const clientSecret = /client_secret=(\S+)/.exec(output())?.[1] ?? '';
    const token = await fetch(`${url}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        scope: 'api1',
      }),
    });
    expect(token.status).toBe(200);
    expect(output()).toContain('12 companies');
    expect(output()).toContain('participants mode: additive');

    const exited = once(child, 'exit');
    child.kill('SIGINT');
    const [code] = await exited;
    expect(code).toBe(0);
  });

  it('refuses a bad flag with a message naming it', async () => {
    const { child, output, ready } = startCli(['--port', 'abc']);
    await expect(ready).rejects.toThrow();
    expect(child.exitCode).not.toBe(0);
    expect(output()).toContain('--port must be an integer >= 0');
  });
});
