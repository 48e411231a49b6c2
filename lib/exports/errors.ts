// Failures specific to exports. Keepnet call failures keep their own types (lib/keepnet/errors);
// these cover what only the export path can detect: bad job configuration, a body that ended early,
// a run that would outlive its Lambda.

/** EXPORT_JOBS (or a direct `{ jobs }` payload) does not describe valid jobs. Thrown at cold start. */
export class ExportConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportConfigurationError';
  }
}

/**
 * The export body did not match the byte count the server announced (Content-Length): it ended early
 * (truncated) or, rarer, ran past it (`receivedBytes` is then where the meter stopped reading).
 */
export class ExportTruncatedError extends Error {
  readonly expectedBytes: number;
  readonly receivedBytes: number;
  constructor(expectedBytes: number, receivedBytes: number) {
    super(
      receivedBytes < expectedBytes
        ? `export body truncated: received ${receivedBytes} of ${expectedBytes} bytes announced by Content-Length`
        : `export body too long: received at least ${receivedBytes} bytes, ${expectedBytes} announced by Content-Length`,
    );
    this.name = 'ExportTruncatedError';
    this.expectedBytes = expectedBytes;
    this.receivedBytes = receivedBytes;
  }
}

/** The run's deadline (Lambda remaining time minus a safety margin) passed; the upload was aborted. */
export class ExportDeadlineError extends Error {
  constructor(what: string, outcome: 'upload aborted' | 'not started' = 'upload aborted') {
    super(`${what}: stopped at the deadline (Lambda remaining time minus safety margin); ${outcome}`);
    this.name = 'ExportDeadlineError';
  }
}

/** One or more jobs of a run failed; the others were written. Thrown so the schedule's retry/alarm fires. */
export class ExportRunError extends Error {
  readonly failures: ReadonlyArray<{ job: string; error: Error }>;
  constructor(failures: ReadonlyArray<{ job: string; error: Error }>, manifestKey: string | undefined) {
    const list = failures.map((f) => `${f.job}: ${f.error.message}`).join('; ');
    super(
      `${failures.length} export job(s) failed: ${list}` +
        (manifestKey === undefined ? '' : ` (manifest: ${manifestKey})`),
    );
    this.name = 'ExportRunError';
    this.failures = failures;
  }
}

/** The export body broke off mid-stream (connection reset, socket closed, bad chunking). */
export class ExportInterruptedError extends Error {
  readonly receivedBytes: number;
  constructor(what: string, receivedBytes: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${what}: export body broke off after ${receivedBytes} bytes (${reason}); upload aborted`, {
      cause,
    });
    this.name = 'ExportInterruptedError';
    this.receivedBytes = receivedBytes;
  }
}

/**
 * The export's content is not whole, though its framing was: a CSV that ends inside a quoted field or
 * a record, an xlsx without its end-of-central-directory record, or fewer (more) records than the same
 * search counts. The upload is aborted: no object is written.
 */
export class ExportContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportContentError';
  }
}
