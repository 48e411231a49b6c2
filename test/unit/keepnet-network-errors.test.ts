import { KeepnetNetworkError, KeepnetTimeoutError } from '../../lib/keepnet/errors';
import {
  errorCode,
  isTransientNetworkError,
  networkFailure,
  provesRequestNotSent,
} from '../../lib/keepnet/network-errors';

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('network error classification', () => {
  it('finds the code on the error or its causes, whatever realm the error comes from', () => {
    expect(errorCode(withCode('ECONNRESET'))).toBe('ECONNRESET');
    expect(errorCode(new Error('wrapped', { cause: withCode('ECONNREFUSED') }))).toBe('ECONNREFUSED');
    expect(errorCode({ message: 'plain object', code: 'EPIPE' })).toBe('EPIPE');
    expect(errorCode(new Error('no code'))).toBeUndefined();
  });

  it.each([
    ['ECONNREFUSED', true, true],
    ['UND_ERR_CONNECT_TIMEOUT', true, true],
    ['EAI_AGAIN', true, true],
    ['ECONNRESET', true, false],
    ['UND_ERR_SOCKET', true, false],
    ['UND_ERR_HEADERS_TIMEOUT', true, false],
    ['EPIPE', true, false],
    ['CERT_HAS_EXPIRED', false, false],
    ['ERR_TLS_CERT_ALTNAME_INVALID', false, false],
  ])('%s: transient %s, proves the request was not sent %s', (code, transient, notSent) => {
    expect(isTransientNetworkError(withCode(code))).toBe(transient);
    expect(provesRequestNotSent(withCode(code))).toBe(notSent);
  });

  it('maps timeouts to KeepnetTimeoutError and the rest to KeepnetNetworkError, naming method and path', () => {
    const timeout = networkFailure(
      withCode('UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error'),
      'GET',
      '/api/x',
    );
    expect(timeout).toBeInstanceOf(KeepnetTimeoutError);
    expect(timeout.message).toBe('GET /api/x: timed out (UND_ERR_HEADERS_TIMEOUT: Headers Timeout Error)');
    const reset = networkFailure(withCode('ECONNRESET', 'socket hang up'), 'PUT', '/api/y');
    expect(reset).toBeInstanceOf(KeepnetNetworkError);
    expect(reset).toMatchObject({ method: 'PUT', path: '/api/y' });
  });
});
