import { isKeepnetError, KeepnetRateLimitedError, KeepnetValidationError } from '../../lib/keepnet/errors';

describe('Keepnet errors', () => {
  it('carry request context and a log-safe JSON form', () => {
    const error = new KeepnetValidationError('name: must be 1..64 characters', {
      httpStatus: 400,
      keepnetStatus: 'INPUT_ERROR',
      method: 'POST',
      path: '/api/company-groups',
      validationMessages: ['Name is required'],
      field: 'name',
    });
    expect(isKeepnetError(error)).toBe(true);
    expect(error.name).toBe('KeepnetValidationError');
    expect(error.toJSON()).toMatchObject({
      kind: 'validation',
      httpStatus: 400,
      path: '/api/company-groups',
    });
    expect(new KeepnetRateLimitedError('slow down', { retryAfterSeconds: 3 }).retryAfterSeconds).toBe(3);
  });
});
