import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { verifyIdToken, type IdTokenClaims, type Jwk } from './id-token.js';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** Absent for a public client: PKCE alone then protects the code exchange. */
  clientSecret?: string;
  redirectUri: string;
  scopes: string;
}

/** The sign-in in flight between leaving for the provider and coming back. */
export interface PendingSignIn { state: string; nonce: string; verifier: string; createdAt: number }

const Metadata = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  code_challenge_methods_supported: z.array(z.string()).optional(),
});
type Metadata = z.infer<typeof Metadata>;

const TokenResponse = z.object({ id_token: z.string().min(1), token_type: z.string().optional() });
const Jwks = z.object({ keys: z.array(z.looseObject({ kty: z.string(), kid: z.string().optional() })) });

const METADATA_TTL_MS = 3_600_000;
/** A token with an unknown key id may refetch the JWKS (the provider rotated keys), but not on every request. */
const JWKS_REFETCH_MIN_MS = 30_000;
const TIMEOUT_MS = 10_000;

/** The identity provider could not be reached or answered something unusable (the hospital's IT must look). */
export class OidcProviderError extends Error {}

const random = () => randomBytes(32).toString('base64url');

/**
 * An OpenID Connect relying party for the authorisation code flow with PKCE (S256), state and nonce.
 * Discovery and the provider's keys are cached; the ID token is verified here, not trusted.
 */
export class OidcClient {
  private metadataCache?: { value: Metadata; at: number };
  private jwksCache?: { keys: Jwk[]; at: number };

  constructor(readonly settings: OidcSettings, private readonly fetchFn: typeof fetch = fetch, private readonly options: { jwksRefetchMinMs?: number } = {}) {}

  private async getJson(url: string, init: RequestInit = {}): Promise<unknown> {
    let res: Response;
    try {
      res = await this.fetchFn(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw new OidcProviderError(`identity provider unreachable at ${url}: ${(error as Error).message}`);
    }
    const text = await res.text();
    let body: unknown;
    try { body = JSON.parse(text); } catch { throw new OidcProviderError(`identity provider answered ${res.status} with non-JSON from ${url}`); }
    if (!res.ok) {
      const reason = body && typeof body === 'object' && 'error' in body ? String((body as { error: unknown }).error) : `HTTP ${res.status}`;
      throw new OidcProviderError(`identity provider refused (${reason}) at ${url}`);
    }
    return body;
  }

  async metadata(now = Date.now()): Promise<Metadata> {
    if (this.metadataCache && now - this.metadataCache.at < METADATA_TTL_MS) return this.metadataCache.value;
    const url = `${this.settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const parsed = Metadata.safeParse(await this.getJson(url));
    if (!parsed.success) throw new OidcProviderError(`discovery document at ${url} is missing ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    // OIDC Discovery §4.3: the document must name exactly the issuer we asked, or tokens could come from elsewhere.
    if (parsed.data.issuer !== this.settings.issuer) throw new OidcProviderError(`discovery names issuer "${parsed.data.issuer}", configured "${this.settings.issuer}"`);
    const methods = parsed.data.code_challenge_methods_supported;
    if (methods && !methods.includes('S256')) throw new OidcProviderError('identity provider does not support PKCE with S256');
    this.metadataCache = { value: parsed.data, at: now };
    return parsed.data;
  }

  /** Where to send the browser, and what to remember until it comes back. */
  async begin(): Promise<{ url: string; pending: PendingSignIn }> {
    const meta = await this.metadata();
    const pending: PendingSignIn = { state: random(), nonce: random(), verifier: random(), createdAt: Date.now() };
    const url = new URL(meta.authorization_endpoint);
    const params = {
      response_type: 'code', client_id: this.settings.clientId, redirect_uri: this.settings.redirectUri, scope: this.settings.scopes,
      state: pending.state, nonce: pending.nonce, code_challenge: createHash('sha256').update(pending.verifier).digest('base64url'), code_challenge_method: 'S256',
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return { url: url.toString(), pending };
  }

  /** Exchanges the code for tokens and returns the verified ID token's claims. */
  async complete(code: string, pending: PendingSignIn): Promise<IdTokenClaims> {
    const meta = await this.metadata();
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: this.settings.redirectUri, code_verifier: pending.verifier, client_id: this.settings.clientId });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (this.settings.clientSecret) {
      const encode = (s: string) => encodeURIComponent(s);
      headers.authorization = `Basic ${Buffer.from(`${encode(this.settings.clientId)}:${encode(this.settings.clientSecret)}`).toString('base64')}`;
    }
    const parsed = TokenResponse.safeParse(await this.getJson(meta.token_endpoint, { method: 'POST', headers, body: form.toString() }));
    if (!parsed.success) throw new OidcProviderError('token response has no id_token (is "openid" among the scopes?)');
    return verifyIdToken(parsed.data.id_token, (kid, alg) => this.keyFor(meta, kid, alg), { issuer: this.settings.issuer, clientId: this.settings.clientId, nonce: pending.nonce });
  }

  private async keyFor(meta: Metadata, kid: string | undefined, alg: string): Promise<Jwk | undefined> {
    const pick = (keys: Jwk[]) => keys.find((k) => (kid === undefined ? keys.length === 1 || k.alg === alg : k.kid === kid));
    const now = Date.now();
    const cached = this.jwksCache && pick(this.jwksCache.keys);
    if (cached) return cached;
    if (this.jwksCache && now - this.jwksCache.at < (this.options.jwksRefetchMinMs ?? JWKS_REFETCH_MIN_MS)) return undefined;
    const parsed = Jwks.safeParse(await this.getJson(meta.jwks_uri));
    if (!parsed.success) throw new OidcProviderError(`JWKS at ${meta.jwks_uri} is malformed`);
    this.jwksCache = { keys: parsed.data.keys as Jwk[], at: now };
    return pick(this.jwksCache.keys);
  }
}
