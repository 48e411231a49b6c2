// The error every part of the local SQS server throws for a request SQS would refuse.
/**
 * An SQS error as the JSON protocol reports it: `code` becomes `__type`, `queryCode` the
 * x-amzn-query-error header the SDK maps to the error name, `status` the HTTP status (5xx: the receiver's fault).
 */
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
