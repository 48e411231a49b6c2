// The stack names every function variable from lib/config/variables.ts, the module the functions read
// them with: a variable the stack sets is one some function reads.
import { ENV } from '../../lib/config/variables';
import { synthTemplate } from './helpers';

/** Set by Lambda's Node.js runtime options, not read by our code. */
const RUNTIME_ONLY = new Set(['NODE_OPTIONS']);

function variablesSet(context: Record<string, unknown>): string[] {
  const functions = synthTemplate(context).findResources('AWS::Lambda::Function');
  return Object.values(functions).flatMap((resource) =>
    Object.keys(
      (resource.Properties as { Environment?: { Variables?: Record<string, unknown> } }).Environment
        ?.Variables ?? {},
    ),
  );
}

describe('function variables', () => {
  it('names each variable once, in upper snake case', () => {
    const names = Object.values(ENV);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
  });

  it('sets only variables lib/config names, with reconcile, optional settings and all', () => {
    const known = new Set<string>(Object.values(ENV));
    const set = [
      ...variablesSet({}),
      ...variablesSet({
        reconcileFileS3Uri: 's3://msp-config/groups.yaml',
        reconcileAttributesS3Uri: 's3://msp-config/crm.csv',
        reconcileMode: 'apply',
        keepnetBaseUrl: 'https://api.example.test',
        pollerStartTime: '2026-01-01T00:00:00Z',
        exportJobs: JSON.stringify([{ what: 'groups', format: 'Excel' }]),
      }),
    ];
    expect(set.filter((name) => !known.has(name) && !RUNTIME_ONLY.has(name))).toEqual([]);
  });
});
