// An SQS error as the JSON protocol reports it: `code` becomes `__type`, `queryCode` the
// x-amzn-query-error header the SDK maps to the error name, `status` the HTTP status.
export class SqsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly queryCode = code,
    readonly status = 400,
  ) {
    super(message);
  }
}
