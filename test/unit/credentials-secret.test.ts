import { credentialsProviderFromEnv } from '../../lib/keepnet/credentials/from-env';
import { parseKeepnetSecret } from '../../lib/keepnet/credentials/keepnet-secret';
import { KeepnetConfigurationError } from '../../lib/keepnet/errors';

const SECRET_VALUE = 'sup3r-s3cret-value-do-not-log';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KeepnetConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected a KeepnetConfigurationError');
}

describe('parseKeepnetSecret', () => {
  it('reads { clientId, clientSecret, baseUrl? } and trims the id', () => {
    expect(parseKeepnetSecret(JSON.stringify({ clientId: ' id ', clientSecret: 's' }), 'secret x')).toEqual({
      clientId: 'id',
      clientSecret: 's',
    });
    expect(
      parseKeepnetSecret({ clientId: 'id', clientSecret: 's', baseUrl: 'https://x.example' }, 'secret x')
        .baseUrl,
    ).toBe('https://x.example');
  });

  it.each([
    [{ clientSecret: SECRET_VALUE }, 'clientId: must be a string'],
    [{ clientId: 'id' }, 'clientSecret: must be a string'],
    [{ clientId: '', clientSecret: SECRET_VALUE }, 'clientId: must be a non-empty string'],
    [{ clientId: 'id', clientSecret: 42 }, 'clientSecret: must be a string'],
    [[SECRET_VALUE], '(root): must be an object'],
  ])('names the field and the rule for %j, without echoing the value', (value, expected) => {
    const message = messageOf(() => parseKeepnetSecret(JSON.stringify(value), 'The Keepnet secret "k"'));
    expect(message).toContain('The Keepnet secret "k"');
    expect(message).toContain(expected);
    expect(message).not.toContain(SECRET_VALUE);
  });

  it('does not quote a secret that is not JSON (JSON.parse would)', () => {
    const message = messageOf(() =>
      parseKeepnetSecret(`{"clientId":"id","clientSecret":"${SECRET_VALUE}"`, 'secret k'),
    );
    expect(message).toContain('is not valid JSON');
    expect(message).not.toContain(SECRET_VALUE);
    expect(messageOf(() => parseKeepnetSecret(SECRET_VALUE, 'secret k'))).not.toContain(SECRET_VALUE);
  });
});

describe('credentialsProviderFromEnv', () => {
  it('requires KEEPNET_SECRET_ID', () => {
    expect(() => credentialsProviderFromEnv({})).toThrow(/KEEPNET_SECRET_ID is not set/);
  });

  it('reads the cache age from KEEPNET_SECRET_MAX_AGE_SECONDS, default 300, naming the variable when bad', () => {
    expect(credentialsProviderFromEnv({ KEEPNET_SECRET_ID: 'k' })).toBeDefined();
    expect(
      credentialsProviderFromEnv({ KEEPNET_SECRET_ID: 'k', KEEPNET_SECRET_MAX_AGE_SECONDS: '0' }),
    ).toBeDefined();
    expect(() =>
      credentialsProviderFromEnv({ KEEPNET_SECRET_ID: 'k', KEEPNET_SECRET_MAX_AGE_SECONDS: '-5' }),
    ).toThrow(/KEEPNET_SECRET_MAX_AGE_SECONDS must be a whole number/);
  });
});
