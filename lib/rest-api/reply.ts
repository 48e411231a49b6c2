// What a route handler returns, and the context it runs in. Handlers are plain async functions from
// validated input to a Reply: no router, event or Response types leak into them.
import type { CallOptions } from '../keepnet/types';

/** What a route handler answers: status, JSON body (none for 204) and extra headers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What a handler knows of the request beyond its validated input. */
export interface RequestScope {
  /** API Gateway's request id (or the Lambda's when absent): the reference in errors and event ids. */
  requestId: string;
  /** Absolute epoch ms by which every upstream call must be done. */
  deadline: number;
  /** The raw web Request (the webhook reads its exact bytes and headers). */
  request: Request;
  /** The exact bytes of the body (base64-decoded when the gateway encoded them); null for none. */
  rawBody: Buffer | null;
}

/** 200 with a JSON body. */
export function ok(body: unknown, headers?: Record<string, string>): Reply {
  return { status: 200, body, ...(headers ? { headers } : {}) };
}

/** Keepnet call options for this request: its deadline. */
export function callOptions(scope: RequestScope): CallOptions {
  return { deadline: scope.deadline };
}

/** A Reply as the web Response the router returns (JSON unless there is no body). */
export function toWebResponse(reply: Reply): Response {
  if (reply.status === 204 || reply.body === undefined) {
    return new Response(null, { status: reply.status, headers: reply.headers ?? {} });
  }
  return new Response(JSON.stringify(reply.body), {
    status: reply.status,
    headers: { 'Content-Type': 'application/json', ...reply.headers },
  });
}
