// Pointing the real handlers (and the AWS SDK) at the local stand-ins through process.env, and back.

/**
 * Sets `vars` in process.env and returns the function that puts back what was there before (deleting the
 * variables that were unset). Handlers read their configuration from process.env, as in Lambda.
 */
export function applyEnv(vars: Readonly<Record<string, string>>): () => void {
  const previous = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
