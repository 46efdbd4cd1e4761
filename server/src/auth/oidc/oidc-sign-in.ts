import { createHash } from 'node:crypto';
import { AuthCodes, refusal } from '../auth-errors.js';
import type { LoginResult, UserService } from '../user-service.js';
import { IdTokenError } from './id-token.js';
import { OidcProviderError, type OidcClient, type PendingSignIn } from './oidc-client.js';
import { claimAt, rolesFromClaims, type RoleMap } from './role-mapping.js';

export interface OidcAccountSettings {
  /** Claim (dotted path) holding the user's groups, e.g. "groups" or "realm_access.roles". */
  rolesClaim: string;
  roleMap: RoleMap;
  usernameClaim: string;
}

/** A sign-in left unfinished is forgotten after this long. */
const PENDING_TTL_MS = 10 * 60_000;
const MAX_PENDING = 5_000;

export interface OidcOutcome { result: LoginResult; username: string; groups: string[] }

/**
 * The server side of "sign in with the hospital's identity provider": remembers each sign-in in flight
 * (one use, ten minutes), checks the provider's answer, and maps the identity to a local account.
 */
export class OidcSignIn {
  private readonly pending = new Map<string, PendingSignIn>();

  constructor(private readonly client: OidcClient, private readonly accounts: OidcAccountSettings, private readonly users: UserService) {}

  async begin(): Promise<{ url: string; state: string }> {
    const { url, pending } = await this.client.begin().catch(providerFailure);
    this.forgetExpired();
    if (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
    this.pending.set(pending.state, pending);
    return { url, state: pending.state };
  }

  /**
   * `browserState` is the state cookie set when this browser left: a callback that carries another
   * browser's state (login CSRF) or a replayed one is refused.
   */
  async finish(query: { state?: string; code?: string; error?: string; errorDescription?: string }, browserState: string | undefined): Promise<OidcOutcome> {
    const pending = query.state ? this.pending.get(query.state) : undefined;
    if (query.state) this.pending.delete(query.state);
    if (query.error) throw refusal(AuthCodes.OIDC_REJECTED, `the identity provider refused the sign-in: ${query.error.slice(0, 100)}${query.errorDescription ? ` (${query.errorDescription.slice(0, 200)})` : ''}`, { providerError: query.error.slice(0, 100) });
    if (!pending || !browserState || browserState !== query.state || Date.now() - pending.createdAt > PENDING_TTL_MS) {
      throw refusal(AuthCodes.OIDC_REJECTED, 'this sign-in was not started in this browser, was already used, or took too long; start again / もう一度サインインしてください', { reason: 'state' });
    }
    if (!query.code) throw refusal(AuthCodes.OIDC_REJECTED, 'the identity provider sent no authorisation code', { reason: 'code' });
    const claims = await this.client.complete(query.code, pending).catch(providerFailure);
    const { groups, roles } = rolesFromClaims(claims, this.accounts.rolesClaim, this.accounts.roleMap);
    const username = usernameFrom(claimAt(claims, this.accounts.usernameClaim) ?? claims.email, claims.sub);
    if (!roles.length) {
      throw refusal(AuthCodes.OIDC_NO_ROLE, `signed in at the identity provider as "${username}", but none of the groups (${groups.join(', ') || 'none'}) is mapped to a role here; ask the administrator / 権限が割り当てられていません`, { username, groups });
    }
    const displayName = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 100) : username;
    const result = await this.users.signInExternal({ subject: `${claims.iss}|${claims.sub}`, username, displayName, roles });
    return { result, username, groups };
  }

  private forgetExpired(now = Date.now()) {
    for (const [state, p] of this.pending) {
      if (now - p.createdAt <= PENDING_TTL_MS) break;
      this.pending.delete(state);
    }
  }
}

function providerFailure(error: unknown): never {
  if (error instanceof IdTokenError) throw refusal(AuthCodes.OIDC_REJECTED, `the identity provider's token was refused: ${error.message}`, { reason: error.message });
  if (error instanceof OidcProviderError) throw refusal(AuthCodes.OIDC_PROVIDER_ERROR, error.message);
  throw error;
}

/** A local user name from the provider's (e.g. "Yamada.Taro@hosp.example" → "yamada.taro-hosp.example"). */
export function usernameFrom(claim: unknown, subject: string): string {
  const base = (typeof claim === 'string' ? claim : '').normalize('NFKC').toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 63);
  return base.length >= 2 ? base : `sso-${createHash('sha256').update(subject).digest('hex').slice(0, 12)}`;
}
