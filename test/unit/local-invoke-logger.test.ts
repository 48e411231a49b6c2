// The local runner runs every function in one process with one shared logger: each invocation must
// label its own log lines (function_name), not inherit the label of the function invoked before it.

// The logger takes its level when its module loads: set one that prints, then load it (and the runner).
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
const load = async () => ({
  logger: (await import('../../lib/observability/powertools')).logger,
  invoke: (await import('../../local/runner/handlers')).invoke,
});

function capturedLines(run: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }),
  );
  return run()
    .finally(() => {
      for (const spy of spies) spy.mockRestore();
    })
    .then(() =>
      lines
        .flatMap((l) => l.split('\n'))
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    );
}

it('labels a worker log line onboarding-worker, after the api has run in the same process', async () => {
  const { logger, invoke } = await load();
  const records = await capturedLines(async () => {
    await invoke('api', async () => logger.error('from api'), {});
    await invoke('onboarding-worker', async () => logger.error('from worker'), {});
  });
  const worker = records.find((r) => r.message === 'from worker');
  const api = records.find((r) => r.message === 'from api');
  expect(api).toMatchObject({ function_name: 'api' });
  expect(worker).toMatchObject({ function_name: 'onboarding-worker' });
});
