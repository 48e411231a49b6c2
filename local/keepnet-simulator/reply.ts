// What route handlers return, and builders for the vendor's envelope replies.
import type { Readable } from 'node:stream';
import type { Envelope } from './wire';

/**
 * What a handler means to answer. Handlers describe the reply and write-reply.ts renders it (envelope style,
 * key case, faults, recording), so handlers stay free of transport.
 */
export type Reply =
  /** A Keepnet envelope, rendered per behaviour (style, key case). */
  | { kind: 'envelope'; status: number; envelope: Envelope; headers?: Record<string, string> }
  /** JSON written as given (the OAuth token endpoint, which has no envelope). */
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'empty'; status: number; headers?: Record<string, string> }
  /** A file written as a stream; `expectedBytes` sizes a truncated-body fault when known. */
  | {
      kind: 'file';
      status: number;
      contentType: string;
      fileName: string;
      body: Readable;
      expectedBytes?: number;
    };

/** 200 SUCCESS carrying `data`. */
export function success(data: unknown): Reply {
  return {
    kind: 'envelope',
    status: 200,
    envelope: { data, status: 'SUCCESS', message: null, validationMessages: [] },
  };
}

/** 400 INPUT_ERROR: one validation message per problem, naming the field and the rule. */
export function inputError(
  validationMessages: string[],
  message = 'One or more validation errors occurred.',
): Reply {
  return {
    kind: 'envelope',
    status: 400,
    envelope: { data: null, status: 'INPUT_ERROR', message, validationMessages },
  };
}

/** 404 FAILED, the message naming what is missing (an unknown group or company). */
export function notFound(message: string): Reply {
  return {
    kind: 'envelope',
    status: 404,
    envelope: { data: null, status: 'FAILED', message, validationMessages: [] },
  };
}

/** A 5xx (default 500) INTERNAL_SERVER_ERROR envelope: the server-error fault, or a simulator bug. */
export function serverError(status = 500, message = 'An unexpected error occurred.'): Reply {
  return {
    kind: 'envelope',
    status,
    envelope: { data: null, status: 'INTERNAL_SERVER_ERROR', message, validationMessages: [] },
  };
}

/** 429 FAILED; Retry-After only when a value is configured (the vendor documents none). */
export function tooManyRequests(retryAfterSeconds?: number): Reply {
  return {
    kind: 'envelope',
    status: 429,
    envelope: { data: null, status: 'FAILED', message: 'Too many requests.', validationMessages: [] },
    ...(retryAfterSeconds === undefined ? {} : { headers: { 'retry-after': String(retryAfterSeconds) } }),
  };
}

/**
 * A reply without a body: 401 and 403 (the vendor sends them empty), 404 and 405 for paths it does
 * not serve, 415, and the 200 of the `exportReply: 'empty'` quirk.
 */
export function empty(status: number, headers?: Record<string, string>): Reply {
  return headers ? { kind: 'empty', status, headers } : { kind: 'empty', status };
}
