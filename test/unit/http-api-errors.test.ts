// Who is at fault decides the status: each Keepnet failure maps to one answer, and none of them repeats
// what Keepnet (or a stack) said, so nothing upstream can leak through a response body.

import {
  KeepnetAuthenticationError,
  KeepnetConfigurationError,
  type KeepnetError,
  KeepnetForbiddenError,
  KeepnetNetworkError,
  KeepnetNotFoundError,
  KeepnetRateLimitedError,
  KeepnetServerError,
  KeepnetTimeoutError,
  KeepnetValidationError,
} from '../../lib/keepnet/errors';
import { ApiError, fromKeepnetError, toResponse } from '../../lib/rest-api/errors';

const LEAK = 'Bearer eyJhbGciOiJIUzI1NiJ9.secret-token';

it.each<[KeepnetError, number, string]>([
  [
    new KeepnetValidationError(LEAK, { validationMessages: ['name: too long'] }),
    400,
    'KEEPNET_REJECTED_INPUT',
  ],
  [new KeepnetNotFoundError(LEAK), 404, 'NOT_FOUND'],
  [new KeepnetRateLimitedError(LEAK, { retryAfterSeconds: 12 }), 429, 'RATE_LIMITED'],
  [new KeepnetForbiddenError(LEAK), 502, 'UPSTREAM_FORBIDDEN'],
  [new KeepnetAuthenticationError(LEAK), 502, 'UPSTREAM_AUTHENTICATION_FAILED'],
  [new KeepnetServerError(LEAK), 502, 'UPSTREAM_UNAVAILABLE'],
  [new KeepnetNetworkError(LEAK), 502, 'UPSTREAM_UNAVAILABLE'],
  [new KeepnetTimeoutError(LEAK), 504, 'UPSTREAM_TIMEOUT'],
  [new KeepnetConfigurationError(LEAK), 500, 'CONFIGURATION_ERROR'],
])('maps %p to %i %s without repeating its message', async (error, status, code) => {
  const mapped = fromKeepnetError(error);
  expect([mapped.status, mapped.code]).toEqual([status, code]);
  const response = toResponse(mapped);
  const text = await response.text();
  expect(text).not.toContain('eyJ');
  expect(JSON.parse(text)).toMatchObject({ error: { code } });
  expect(response.headers.get('content-type')).toBe('application/json');
});

it('keeps Keepnet validation messages (they describe the caller input) and sets Retry-After on 429', () => {
  const validation = fromKeepnetError(
    new KeepnetValidationError('x', { validationMessages: ['name: too long'] }),
  );
  expect(validation.details).toEqual({ validationMessages: ['name: too long'] });
  expect(fromKeepnetError(new KeepnetRateLimitedError('x', { retryAfterSeconds: 2.2 })).headers).toEqual({
    'Retry-After': '3',
  });
  expect(fromKeepnetError(new KeepnetRateLimitedError('x')).headers['Retry-After']).toBe('5');
  // A past date (0 or negative) still asks for a wait; a hint that is not a number is not repeated.
  expect(fromKeepnetError(new KeepnetRateLimitedError('x', { retryAfterSeconds: -3 })).headers).toEqual({
    'Retry-After': '1',
  });
  expect(
    fromKeepnetError(new KeepnetRateLimitedError('x', { retryAfterSeconds: Number.NaN })).headers,
  ).toEqual({
    'Retry-After': '5',
  });
});

it('renders the one error shape, omitting details when there are none', async () => {
  const body = await toResponse(new ApiError(404, 'ROUTE_NOT_FOUND', 'No route.')).json();
  expect(body).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: 'No route.' } });
});
