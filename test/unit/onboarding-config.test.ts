// Onboarding configuration fails at cold start, once, naming the variable and the rule it broke.
import { loadRouterConfig, loadWorkerConfig } from '../../lib/onboarding/config';
import { loadPollerConfig } from '../../lib/onboarding/poller/config';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/onboarding.fifo';

describe('onboarding configuration', () => {
  it('reads the router and worker settings, PARTICIPANTS_MODE defaulting to union', () => {
    const rules = JSON.stringify([{ when: { region: 'EU' }, groups: ['EU Customers'] }]);
    const router = loadRouterConfig({ ONBOARDING_QUEUE_URL: QUEUE, GROUP_RULES: rules });
    expect(router.queueUrl).toBe(QUEUE);
    expect(router.rules.groupsFor({ region: 'eu' })).toEqual(['EU Customers']);
    expect(loadWorkerConfig({ ONBOARDING_QUEUE_URL: QUEUE })).toEqual({ queueUrl: QUEUE, mode: 'union' });
    expect(loadWorkerConfig({ ONBOARDING_QUEUE_URL: QUEUE, PARTICIPANTS_MODE: ' ' }).mode).toBe('union');
    expect(loadWorkerConfig({ ONBOARDING_QUEUE_URL: QUEUE, PARTICIPANTS_MODE: 'additive' }).mode).toBe(
      'additive',
    );
    // The DLQ is optional: without it poison messages wait for the queue's maxReceiveCount.
    const dlq = QUEUE.replace('onboarding.fifo', 'onboarding-dlq.fifo');
    expect(loadWorkerConfig({ ONBOARDING_QUEUE_URL: QUEUE, ONBOARDING_DLQ_URL: dlq }).dlqUrl).toBe(dlq);
    expect(loadWorkerConfig({ ONBOARDING_QUEUE_URL: QUEUE, ONBOARDING_DLQ_URL: '' })).not.toHaveProperty(
      'dlqUrl',
    );
    // maxReceiveCount is optional too: unset (or blank), transient failures are left to SQS's redrive.
    const max = (value: string) =>
      loadWorkerConfig({ ONBOARDING_QUEUE_URL: QUEUE, ONBOARDING_MAX_RECEIVE_COUNT: value });
    expect(max('5').maxReceiveCount).toBe(5);
    expect(max(' ')).not.toHaveProperty('maxReceiveCount');
  });

  it.each([
    [
      'no ONBOARDING_QUEUE_URL',
      () => loadRouterConfig({}),
      /ONBOARDING_QUEUE_URL: must be the URL of the onboarding FIFO queue/,
    ],
    [
      'ONBOARDING_QUEUE_URL not a URL',
      () => loadRouterConfig({ ONBOARDING_QUEUE_URL: 'not a url' }),
      /ONBOARDING_QUEUE_URL/,
    ],
    [
      'a GROUP_RULES rule without conditions',
      () => loadRouterConfig({ ONBOARDING_QUEUE_URL: QUEUE, GROUP_RULES: '[{}]' }),
      /GROUP_RULES\[0\]\.when/,
    ],
    [
      'PARTICIPANTS_MODE=replace',
      () => loadWorkerConfig({ ONBOARDING_QUEUE_URL: QUEUE, PARTICIPANTS_MODE: 'replace' }),
      /PARTICIPANTS_MODE: must be "union" or "additive"/,
    ],
    [
      'ONBOARDING_DLQ_URL not a URL',
      () => loadWorkerConfig({ ONBOARDING_QUEUE_URL: QUEUE, ONBOARDING_DLQ_URL: 'onboarding-dlq' }),
      /ONBOARDING_DLQ_URL: must be the URL of the onboarding FIFO dead-letter queue/,
    ],
    [
      'no POLLER_STATE_BUCKET',
      () => loadPollerConfig({}),
      /POLLER_STATE_BUCKET: must name the bucket holding the watermark/,
    ],
    [
      'POLLER_START_TIME not ISO',
      () => loadPollerConfig({ POLLER_STATE_BUCKET: 'b-1', POLLER_START_TIME: 'yesterday' }),
      /POLLER_START_TIME: must be an ISO 8601 UTC time/,
    ],
    [
      'POLLER_PAGE_SIZE=0',
      () => loadPollerConfig({ POLLER_STATE_BUCKET: 'b-1', POLLER_PAGE_SIZE: '0' }),
      /POLLER_PAGE_SIZE/,
    ],
  ])('refuses %s, naming it', (_label, load, message) => {
    expect(load).toThrow(message);
  });

  it.each(['0', '1001', '2.5', 'five', '-1'])(
    'refuses ONBOARDING_MAX_RECEIVE_COUNT=%s, naming it',
    (value) => {
      expect(() =>
        loadWorkerConfig({ ONBOARDING_QUEUE_URL: QUEUE, ONBOARDING_MAX_RECEIVE_COUNT: value }),
      ).toThrow(/ONBOARDING_MAX_RECEIVE_COUNT: must be .*maxReceiveCount/);
    },
  );

  it('stops the router at cold start when GROUP_RULES is invalid', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { ONBOARDING_QUEUE_URL: QUEUE, GROUP_RULES: '[{"when":{"region":"EU"}}]' });
    try {
      await expect(
        jest.isolateModulesAsync(async () => {
          await import('../../functions/onboarding-router/handler');
        }),
      ).rejects.toThrow(/GROUP_RULES\[0\]\.groups/);
    } finally {
      process.env = saved;
    }
  });

  it('reads the poller defaults', () => {
    expect(loadPollerConfig({ POLLER_STATE_BUCKET: 'state-bucket' })).toEqual({
      state: { bucket: 'state-bucket', key: 'company-poller/watermark.json' },
      eventBusName: 'default',
      source: 'keepnet.poller',
      pageSize: 100,
    });
  });
});
