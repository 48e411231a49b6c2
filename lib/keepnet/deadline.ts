// Holding one caller's deadline (`CallOptions.deadline`, epoch ms) and signal while a request waits.
import { KeepnetTimeoutError } from './errors';
import type { CallOptions } from './types';

/**
 * Awaits a shared promise (the token fetch) while honouring this caller's own deadline and signal:
 * rejects with `KeepnetTimeoutError` at the deadline, with the signal's reason on abort, and leaves
 * `promise` itself running for the other callers.
 */
export function waitFor<T>(
  promise: Promise<T>,
  request: { method: string; path: string },
  opts: CallOptions,
  now: () => number,
): Promise<T> {
  const { deadline, signal } = opts;
  if (deadline === undefined && signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const remaining = deadline === undefined ? undefined : Math.max(0, deadline - now());
    const onAbort = () => {
      cleanup();
      reject(signal?.reason);
    };
    const timer =
      remaining === undefined
        ? undefined
        : setTimeout(() => {
            cleanup();
            reject(
              new KeepnetTimeoutError(
                `${request.method} ${request.path}: the caller's deadline passed while waiting for a token`,
                {
                  method: request.method,
                  path: request.path,
                },
              ),
            );
          }, remaining);
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        cleanup();
        reject(error);
      },
    );
  });
}

/**
 * A signal that aborts at `opts.deadline` or when `opts.signal` does; `expired` aborts only at the
 * deadline (to tell a timeout from the caller's abort). A real-time timer: undici cannot be handed a fake
 * clock, and an abort here must interrupt a hung socket. Call `clear()` when the request is over.
 */
export function abortAtDeadline(
  opts: CallOptions,
  now: () => number,
): { signal: AbortSignal; expired: AbortSignal; clear: () => void } {
  const deadlineAbort = new AbortController();
  const remaining = opts.deadline === undefined ? undefined : Math.max(0, opts.deadline - now());
  const timer = remaining === undefined ? undefined : setTimeout(() => deadlineAbort.abort(), remaining);
  const signal = opts.signal ? AbortSignal.any([deadlineAbort.signal, opts.signal]) : deadlineAbort.signal;
  return { signal, expired: deadlineAbort.signal, clear: () => clearTimeout(timer) };
}
