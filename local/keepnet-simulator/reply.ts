// What route handlers return. Handlers describe the reply; server.ts writes it (applying the
// configured envelope style, key case, faults and recording), so handlers stay free of transport.
import type { Readable } from 'node:stream';
import type { Envelope } from './wire';

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

export function success(data: unknown): Reply {
  return {
    kind: 'envelope',
    status: 200,
    envelope: { data, status: 'SUCCESS', message: null, validationMessages: [] },
  };
}

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

export function notFound(message: string): Reply {
  return {
    kind: 'envelope',
    status: 404,
    envelope: { data: null, status: 'FAILED', message, validationMessages: [] },
  };
}

export function serverError(status = 500, message = 'An unexpected error occurred.'): Reply {
  return {
    kind: 'envelope',
    status,
    envelope: { data: null, status: 'INTERNAL_SERVER_ERROR', message, validationMessages: [] },
  };
}

export function tooManyRequests(retryAfterSeconds?: number): Reply {
  return {
    kind: 'envelope',
    status: 429,
    envelope: { data: null, status: 'FAILED', message: 'Too many requests.', validationMessages: [] },
    ...(retryAfterSeconds === undefined ? {} : { headers: { 'retry-after': String(retryAfterSeconds) } }),
  };
}

export function empty(status: number, headers?: Record<string, string>): Reply {
  return headers ? { kind: 'empty', status, headers } : { kind: 'empty', status };
}
