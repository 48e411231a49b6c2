import {
  DEFAULT_KEEPNET_BASE_URL,
  isLoopbackHost,
  parseKeepnetBaseUrl,
  resolveKeepnetEndpoint,
} from '../../lib/keepnet/endpoint';
import { KeepnetConfigurationError } from '../../lib/keepnet/errors';

describe('resolveKeepnetEndpoint', () => {
  it('prefers KEEPNET_BASE_URL, then the secret, then the vendor default', () => {
    expect(resolveKeepnetEndpoint({ env: 'https://env.example', secret: 'https://secret.example' }).url).toBe(
      'https://env.example',
    );
    expect(resolveKeepnetEndpoint({ env: '  ', secret: 'https://secret.example' }).url).toBe(
      'https://secret.example',
    );
    expect(resolveKeepnetEndpoint({}).url).toBe(DEFAULT_KEEPNET_BASE_URL);
  });

  it('splits origin and base path, without a trailing slash', () => {
    expect(parseKeepnetBaseUrl('https://gw.example:8443/keepnet/', 'x')).toEqual({
      origin: 'https://gw.example:8443',
      basePath: '/keepnet',
      url: 'https://gw.example:8443/keepnet',
    });
  });

  it.each(['http://localhost:1234', 'http://127.0.0.1:9', 'http://127.8.9.10', 'http://[::1]:80'])(
    'accepts loopback http: %s',
    (url) => {
      expect(parseKeepnetBaseUrl(url, 'KEEPNET_BASE_URL').origin).toBe(new URL(url).origin);
    },
  );

  it.each([
    ['http://api.keepnetlabs.com', 'must use https'],
    ['http://10.0.0.1', 'must use https'],
    ['http://localhost.evil.com', 'must use https'],
    ['http://128.0.0.1', 'must use https'],
    ['ftp://localhost', 'must use https'],
    ['api.keepnetlabs.com', 'absolute URL'],
    ['https://user:pw@api.keepnetlabs.com', 'user credentials'],
    ['https://api.keepnetlabs.com/?token=x', 'query string'],
  ])('rejects %s, naming the variable', (url, rule) => {
    expect(() => resolveKeepnetEndpoint({ env: url })).toThrow(KeepnetConfigurationError);
    expect(() => resolveKeepnetEndpoint({ env: url })).toThrow(new RegExp(`KEEPNET_BASE_URL.*${rule}`));
  });

  it('names the secret field when the secret carries the bad URL', () => {
    expect(() => resolveKeepnetEndpoint({ secret: 'http://example.com' })).toThrow(/secret field baseUrl/);
  });

  it('recognises loopback hosts only', () => {
    expect(['localhost', '127.0.0.1', '127.255.0.1', '[::1]', '::1'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', 'localhost.com', '::2', 'example.com'].some(isLoopbackHost)).toBe(false);
  });
});
