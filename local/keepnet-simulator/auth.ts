// OAuth client-credentials as the vendor runs it: form-encoded token requests, bearer tokens that
// expire, a Reseller credential (company groups allowed) and a non-Reseller one (403 there).
import { randomBytes } from 'node:crypto';
import type { SimulatorBehaviour } from './behaviour';
import type { ClientCredentials } from './types';

/**
 * The credential's Client Role in the vendor's admin UI: only `Reseller` may call the company-group routes
 * (others get 403).
 */
export type ClientRole = 'Reseller' | 'Company';

/** Who a valid bearer token belongs to: the rate limit is kept per `clientId`, group routes check `role`. */
export interface Principal {
  clientId: string;
  role: ClientRole;
}

interface IssuedToken extends Principal {
  expiresAt: number;
}

const RESELLER_PERMISSIONS = [
  'company-groups|GET',
  'company-groups|POST',
  'company-groups|PUT',
  'company-groups|DELETE',
  'company-groups/search|POST',
  'company-groups/participants|PUT',
  'company-groups/participants|DELETE',
  'companies/search|POST',
  'companies|POST',
];
const COMPANY_PERMISSIONS = ['companies/search|POST'];

/**
 * The answer to a token request: the OAuth token body, or an OAuth error body with its HTTP status (400, or
 * `invalidClientStatus` for a refused client).
 */
export type TokenRequestOutcome =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; status: number; body: Record<string, unknown> };

/** The result of checking an Authorization header; `reason` chooses the 401's WWW-Authenticate challenge. */
export type BearerCheck =
  | { ok: true; principal: Principal }
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' };

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/**
 * Issues and checks the bearer tokens of the two configured credentials. Tokens live in memory only: a
 * restarted simulator, or `revokeAll`, forgets them and the client must ask again (the vendor has no refresh
 * token).
 */
export class TokenAuthority {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly clients: Map<string, { secret: string; role: ClientRole }>;

  constructor(credentials: { reseller: ClientCredentials; nonReseller: ClientCredentials }) {
    this.clients = new Map([
      [
        credentials.reseller.clientId,
        { secret: credentials.reseller.clientSecret, role: 'Reseller' as const },
      ],
      [
        credentials.nonReseller.clientId,
        { secret: credentials.nonReseller.clientSecret, role: 'Company' as const },
      ],
    ]);
  }

  /** Handles a parsed form body of POST /connect/token. */
  issue(form: URLSearchParams, behaviour: SimulatorBehaviour, now: number): TokenRequestOutcome {
    if (form.get('grant_type') !== 'client_credentials') {
      return { ok: false, status: 400, body: { error: 'unsupported_grant_type' } };
    }
    const clientId = form.get('client_id') ?? '';
    const client = this.clients.get(clientId);
    if (!client || client.secret !== form.get('client_secret')) {
      return { ok: false, status: behaviour.invalidClientStatus, body: { error: 'invalid_client' } };
    }
    if (form.get('scope') !== 'api1') return { ok: false, status: 400, body: { error: 'invalid_scope' } };

    const lifetime = behaviour.tokenLifetimeSeconds;
    const token =
      behaviour.tokenFormat === 'jwt'
        ? this.jwtLike(clientId, client.role, now, lifetime)
        : randomBytes(32).toString('hex');
    this.tokens.set(token, { clientId, role: client.role, expiresAt: now + lifetime * 1000 });
    return {
      ok: true,
      body: {
        access_token: token,
        expires_in: lifetime,
        token_type: 'Bearer',
        scope: 'api1',
        permissions: client.role === 'Reseller' ? RESELLER_PERMISSIONS : COMPANY_PERMISSIONS,
      },
    };
  }

  verify(authorization: string | undefined, now: number): BearerCheck {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match?.[1]) return { ok: false, reason: 'missing' };
    const issued = this.tokens.get(match[1]);
    if (!issued) return { ok: false, reason: 'invalid' };
    if (issued.expiresAt <= now) return { ok: false, reason: 'expired' };
    return { ok: true, principal: { clientId: issued.clientId, role: issued.role } };
  }

  revokeAll(): void {
    this.tokens.clear();
  }

  /** Looks like the vendor's JWT (three segments, standard claims); the signature is random, never checked by callers. */
  private jwtLike(clientId: string, role: ClientRole, now: number, lifetime: number): string {
    const iat = Math.floor(now / 1000);
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'at+jwt' }));
    const payload = base64url(
      JSON.stringify({
        iss: 'keepnet-simulator',
        client_id: clientId,
        client_role: role,
        scope: ['api1'],
        iat,
        nbf: iat,
        exp: iat + lifetime,
        jti: randomBytes(8).toString('hex'),
      }),
    );
    return `${header}.${payload}.${base64url(randomBytes(32))}`;
  }
}
