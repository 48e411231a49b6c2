// Where the Keepnet API lives, and which URLs we are willing to send a client secret to.
// Precedence: KEEPNET_BASE_URL, else the secret's `baseUrl`, else the vendor's public host.
// Only https is accepted, except for loopback hosts (the local simulator), because the token request
// carries the client secret in its body and every later call carries a bearer token.
import { isIP } from 'node:net';
import { ENV } from '../config/variables';
import { KeepnetConfigurationError } from './errors';

/** The vendor's public API host: used when neither KEEPNET_BASE_URL nor the secret names one. */
export const DEFAULT_KEEPNET_BASE_URL = 'https://api.keepnetlabs.com';

/** A validated base URL: the origin undici connects to, plus an optional path prefix (no trailing '/'). */
export interface KeepnetEndpoint {
  origin: string;
  basePath: string;
  /** `origin + basePath`, for logs and messages. */
  url: string;
}

/** The places a base URL may come from, in {@link resolveKeepnetEndpoint}'s order of precedence. */
export interface BaseUrlSources {
  /** The KEEPNET_BASE_URL environment variable, if set. */
  env?: string | undefined;
  /** The secret's `baseUrl`, if present. */
  secret?: string | undefined;
}

/** Picks the base URL by precedence and validates it, naming the source in any error. */
export function resolveKeepnetEndpoint(sources: BaseUrlSources): KeepnetEndpoint {
  const env = sources.env?.trim();
  if (env) return parseKeepnetBaseUrl(env, ENV.keepnetBaseUrl);
  const secret = sources.secret?.trim();
  if (secret) return parseKeepnetBaseUrl(secret, 'the secret field baseUrl');
  return parseKeepnetBaseUrl(DEFAULT_KEEPNET_BASE_URL, 'the default base URL');
}

/** Validates one base URL; `source` names where it came from (e.g. "KEEPNET_BASE_URL"). */
export function parseKeepnetBaseUrl(raw: string, source: string): KeepnetEndpoint {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new KeepnetConfigurationError(
      `${source} must be an absolute URL such as ${DEFAULT_KEEPNET_BASE_URL}`,
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new KeepnetConfigurationError(
      `${source} must use https (plain http is accepted only for loopback hosts: localhost, 127.0.0.0/8, [::1]); got ${url.protocol}//${url.host}`,
    );
  }
  if (url.username || url.password) {
    throw new KeepnetConfigurationError(`${source} must not contain user credentials`);
  }
  if (url.search || url.hash) {
    throw new KeepnetConfigurationError(`${source} must not contain a query string or fragment`);
  }
  const basePath = url.pathname.replace(/\/+$/, '');
  return { origin: url.origin, basePath, url: url.origin + basePath };
}

/** localhost, 127.0.0.0/8 and ::1 only: hosts whose traffic never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}
