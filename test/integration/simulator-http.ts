// Test helpers: plain HTTP against the simulator (no project client: the client is tested on its own).
import type { ClientCredentials, KeepnetSimulator } from '../../local/keepnet-simulator/types';

export interface HttpReply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  json: unknown;
}

export async function tokenFor(
  sim: KeepnetSimulator,
  credentials: ClientCredentials = sim.credentials.reseller,
) {
  const response = await fetch(`${sim.url}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      scope: 'api1',
    }),
  });
  if (response.status !== 200) throw new Error(`token request failed: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

export async function call(
  sim: KeepnetSimulator,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; contentType?: string } = {},
): Promise<HttpReply> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers,
    ...(options.body !== undefined
      ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
      : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The minimal complete search body the vendor requires. */
export function searchBody(overrides: Record<string, unknown> = {}) {
  return {
    pageNumber: 1,
    pageSize: 100,
    orderBy: 'CreateTime',
    ascending: false,
    filter: { condition: 'AND', searchInputTextValue: '' },
    ...overrides,
  };
}

/** Typed access to an envelope's parts in tests. */
export interface Envelope<T = unknown> {
  data: T;
  status: string;
  message: string | null;
  validationMessages: string[] | null;
}

export function envelope<T>(reply: HttpReply): Envelope<T> {
  return reply.json as Envelope<T>;
}

/** A 400 with the vendor's INPUT_ERROR envelope whose validation messages mention `mention`. */
export function expectInputError(reply: HttpReply, mention: string): void {
  expect(reply.status).toBe(400);
  const env = envelope(reply);
  expect(env.status).toBe('INPUT_ERROR');
  expect(env.validationMessages?.join(' ')).toContain(mention);
}

export interface PageData<T> {
  pageNumber: number;
  pageSize: number;
  totalNumberOfPages: number;
  totalNumberOfRecords: number;
  results: T[];
}
