import fc from 'fast-check';
import {
  camelCaseKeys,
  envelopeReportsFailure,
  parseJsonBody,
  readEnvelope,
  textExcerpt,
} from '../../lib/keepnet/envelope';
import {
  KeepnetForbiddenError,
  KeepnetNotFoundError,
  KeepnetRateLimitedError,
  KeepnetServerError,
  KeepnetValidationError,
} from '../../lib/keepnet/errors';
import { errorForFailedEnvelope, errorForHttpReply } from '../../lib/keepnet/reply-errors';

describe('camelCaseKeys', () => {
  it('lower-cases the first letter of keys at every depth, arrays included', () => {
    expect(
      camelCaseKeys({
        Data: { Results: [{ ResourceId: 'a', CompanyCount: 2 }], PageNumber: 1 },
        Status: 'SUCCESS',
      }),
    ).toEqual({
      data: { results: [{ resourceId: 'a', companyCount: 2 }], pageNumber: 1 },
      status: 'SUCCESS',
    });
  });

  it('prefers the camelCase key when both spellings are present', () => {
    expect(camelCaseKeys({ Data: 'pascal', data: 'camel' })).toEqual({ data: 'camel' });
  });

  it('leaves values (not keys) untouched and is idempotent', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const once = camelCaseKeys(value);
        expect(camelCaseKeys(once)).toEqual(once);
      }),
    );
    expect(camelCaseKeys({ Name: 'EU Customers' })).toEqual({ name: 'EU Customers' });
  });
});

describe('readEnvelope', () => {
  const page = { pageNumber: 1, pageSize: 10, totalNumberOfPages: 1, totalNumberOfRecords: 0, results: [] };

  it('reads the spec envelope', () => {
    expect(readEnvelope({ data: page, status: 'SUCCESS', message: null, validationMessages: null })).toEqual({
      data: page,
      status: 'SUCCESS',
      isSuccess: undefined,
      messages: [],
      validationMessages: [],
    });
  });

  it('reads the PascalCase envelope, data included', () => {
    const envelope = readEnvelope({
      Data: { ResourceId: 'x' },
      Status: 'INPUT_ERROR',
      Message: 'Bad',
      ValidationMessages: ['a', 'b'],
    });
    expect(envelope).toMatchObject({
      data: { resourceId: 'x' },
      status: 'INPUT_ERROR',
      messages: ['Bad'],
      validationMessages: ['a', 'b'],
    });
    expect(envelopeReportsFailure(envelope!)).toBe(true);
  });

  it('reads the { isSuccess, data, messages } variant, in both cases', () => {
    const ok = readEnvelope({ isSuccess: true, data: [1], messages: [] });
    expect(ok).toMatchObject({ isSuccess: true, data: [1] });
    expect(envelopeReportsFailure(ok!)).toBe(false);
    const failed = readEnvelope({
      IsSuccess: false,
      Data: null,
      Messages: [{ Message: 'No access' }, 'Other'],
    });
    expect(failed).toMatchObject({ isSuccess: false, messages: ['No access', 'Other'] });
    expect(envelopeReportsFailure(failed!)).toBe(true);
  });

  it('reads ASP.NET problem details (title + errors per field)', () => {
    const envelope = readEnvelope({
      title: 'One or more validation errors occurred.',
      status: 400,
      errors: { Name: ['The Name field is required.'], PageSize: ['too big'] },
    });
    expect(envelope?.messages).toEqual(['One or more validation errors occurred.']);
    expect(envelope?.validationMessages).toEqual(['The Name field is required.', 'pageSize: too big']);
    // A numeric `status` is the HTTP status of problem details, not a Keepnet status.
    expect(envelope?.status).toBeUndefined();
  });

  it('returns undefined for bodies that are not envelopes', () => {
    for (const body of [undefined, null, 'text', 42, [1, 2], { access_token: 'x' }])
      expect(readEnvelope(body)).toBeUndefined();
  });

  it('never throws, whatever JSON arrives', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => void readEnvelope(value)));
  });
});

describe('parseJsonBody and textExcerpt', () => {
  it('parses JSON, and gives undefined for empty, HTML and truncated bodies', () => {
    expect(parseJsonBody(' {"a":1} ')).toEqual({ a: 1 });
    expect(parseJsonBody('')).toBeUndefined();
    expect(parseJsonBody('<html><body>Bad Gateway</body></html>')).toBeUndefined();
    expect(parseJsonBody('{"data":')).toBeUndefined();
  });

  it('turns an HTML error page into its readable text, bounded', () => {
    const html = `<html><head><style>body{}</style><script>x()</script></head><body><h1>502 Bad Gateway</h1>${'x'.repeat(500)}</body></html>`;
    const excerpt = textExcerpt(html);
    expect(excerpt.startsWith('502 Bad Gateway')).toBe(true);
    expect(excerpt).not.toContain('<');
    expect(excerpt.length).toBeLessThanOrEqual(201);
  });
});

describe('errorForHttpReply: the HTTP status decides first', () => {
  const base = { method: 'POST', path: '/api/company-groups' };

  it('400 surfaces every validation message, in the message and in .validationMessages', () => {
    const error = errorForHttpReply({
      ...base,
      httpStatus: 400,
      bodyText: JSON.stringify({
        data: null,
        status: 'INPUT_ERROR',
        message: 'Invalid',
        validationMessages: ['Name is required', 'Name too long'],
      }),
    });
    expect(error).toBeInstanceOf(KeepnetValidationError);
    expect(error.message).toContain('Name is required');
    expect(error.message).toContain('Name too long');
    expect(error.validationMessages).toEqual(['Name is required', 'Name too long']);
    expect(error).toMatchObject({
      httpStatus: 400,
      keepnetStatus: 'INPUT_ERROR',
      method: 'POST',
      path: '/api/company-groups',
    });
  });

  it.each([
    [403, '', KeepnetForbiddenError, 'Reseller'],
    [404, '', KeepnetNotFoundError, 'not found'],
    [404, '<html>Not Found</html>', KeepnetNotFoundError, 'Not Found'],
    [429, '', KeepnetRateLimitedError, 'rate limited'],
    [500, 'upstream exploded', KeepnetServerError, 'upstream exploded'],
    [502, '<html><body>Bad Gateway</body></html>', KeepnetServerError, 'Bad Gateway'],
    [409, '{"Status":"FAILED","Message":"exists"}', KeepnetValidationError, 'exists'],
  ])('%i %j → %p', (httpStatus, bodyText, kind, text) => {
    const error = errorForHttpReply({ ...base, httpStatus, bodyText });
    expect(error).toBeInstanceOf(kind);
    expect(error.message).toContain(text);
    expect(error.httpStatus).toBe(httpStatus);
  });

  it('keeps Retry-After on a rate-limit error, in whole seconds', () => {
    const error = errorForHttpReply({ ...base, httpStatus: 429, bodyText: '', retryAfterMs: 1500 });
    expect((error as KeepnetRateLimitedError).retryAfterSeconds).toBe(2);
  });
});

describe('errorForFailedEnvelope: a 200 can still be a failure', () => {
  const ctx = { method: 'GET', path: '/api/company-groups/x', httpStatus: 200 };

  it('is undefined for SUCCESS and for isSuccess: true', () => {
    expect(errorForFailedEnvelope(ctx, readEnvelope({ status: 'SUCCESS', data: 1 })!)).toBeUndefined();
    expect(errorForFailedEnvelope(ctx, readEnvelope({ isSuccess: true, data: 1 })!)).toBeUndefined();
  });

  it('lets isSuccess decide when the docs variant also carries a status of its own', () => {
    for (const status of ['OK', 'Success', 200]) {
      const envelope = readEnvelope({ IsSuccess: true, Status: status, Data: null })!;
      expect(errorForFailedEnvelope(ctx, envelope)).toBeUndefined();
    }
    const failed = readEnvelope({ isSuccess: false, status: 'SUCCESS', messages: ['nope'] })!;
    expect(errorForFailedEnvelope(ctx, failed)).toBeInstanceOf(KeepnetServerError);
  });

  it.each([
    [{ status: 'INPUT_ERROR', validationMessages: ['bad'] }, KeepnetValidationError],
    [{ status: 'PRIVACY_ERROR' }, KeepnetForbiddenError],
    [{ status: 'FAILED', message: 'Company group not found' }, KeepnetNotFoundError],
    [{ status: 'FAILED', message: 'The company group could not be found.' }, KeepnetNotFoundError],
    [{ status: 'FAILED', message: "Group doesn't exist" }, KeepnetNotFoundError],
    [{ status: 'NOT_FOUND', message: null }, KeepnetNotFoundError],
    [{ status: 'FAILED', message: 'Something else' }, KeepnetServerError],
    [{ status: 'INTERNAL_SERVER_ERROR' }, KeepnetServerError],
    [{ isSuccess: false, messages: ['nope'] }, KeepnetServerError],
  ])('%j → %p', (body, kind) => {
    const error = errorForFailedEnvelope(ctx, readEnvelope(body)!);
    expect(error).toBeInstanceOf(kind);
    expect(error?.httpStatus).toBe(200);
  });
});
