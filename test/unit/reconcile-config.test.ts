// The reconcile function's settings (lib/desired-state/reconcile-config.ts): every bad value fails
// naming its variable, hostile lengths included, before any pattern runs over them.
import { loadReconcileConfig, parseS3Uri } from '../../lib/desired-state/reconcile-config';

const FILE = 's3://msp-config/groups/groups.yaml';

describe('loadReconcileConfig', () => {
  it('defaults to report mode without removals, the CSV optional', () => {
    expect(loadReconcileConfig({ RECONCILE_FILE_S3_URI: FILE })).toEqual({
      file: { bucket: 'msp-config', key: 'groups/groups.yaml' },
      mode: 'report',
      allowRemovals: false,
    });
  });

  it('reads apply mode, removals and the CSV when the queue and store are there', () => {
    expect(
      loadReconcileConfig({
        RECONCILE_FILE_S3_URI: FILE,
        RECONCILE_ATTRIBUTES_S3_URI: 's3://msp-config/crm.csv',
        RECONCILE_MODE: 'apply',
        RECONCILE_ALLOW_REMOVALS: 'TRUE',
        ONBOARDING_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/onboarding.fifo',
        OPERATIONS_BUCKET: 'state',
      }),
    ).toMatchObject({
      mode: 'apply',
      allowRemovals: true,
      attributes: { bucket: 'msp-config', key: 'crm.csv' },
    });
  });

  it.each([
    [{}, /^RECONCILE_FILE_S3_URI: required/],
    [
      { RECONCILE_FILE_S3_URI: FILE, RECONCILE_ATTRIBUTES_S3_URI: 'crm.csv' },
      /^RECONCILE_ATTRIBUTES_S3_URI: must be/,
    ],
    [
      { RECONCILE_FILE_S3_URI: FILE, RECONCILE_ALLOW_REMOVALS: 'yes' },
      /^RECONCILE_ALLOW_REMOVALS: must be "true" or "false"/,
    ],
    [
      { RECONCILE_FILE_S3_URI: FILE, RECONCILE_MODE: 'apply' },
      /^ONBOARDING_QUEUE_URL: required when RECONCILE_MODE=apply/,
    ],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadReconcileConfig(env)).toThrow(message);
  });
});

describe('parseS3Uri', () => {
  it.each(['s3://b/k', 's3://Bucket/key', 'https://bucket/key', 's3://bucket/', 's3://bucket'])(
    'refuses %s',
    (uri) => {
      expect(() => parseS3Uri(uri, 'X')).toThrow(/^X: must be an S3 object URI/);
    },
  );

  it('refuses a hostile length, quoting only its start', () => {
    const error = (() => {
      try {
        parseS3Uri(`s3://${'a'.repeat(5_000_000)}`, 'X');
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();
    expect(error?.message).toMatch(/^X: must be an S3 object URI, s3:\/\/bucket\/key \(got "s3:\/\/a+"\)$/);
    expect(error?.message.length).toBeLessThan(200);
  });

  it('keeps keys with slashes and spaces as written', () => {
    expect(parseS3Uri('s3://my.bucket-1/a/b c.yaml', 'X')).toEqual({
      bucket: 'my.bucket-1',
      key: 'a/b c.yaml',
    });
  });
});
