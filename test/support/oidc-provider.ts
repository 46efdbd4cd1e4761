import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/**
 * A small OpenID Connect provider for tests, in process: discovery, JWKS, an authorisation endpoint
 * that signs in whoever `nextUser` names without a login page, and a token endpoint that checks the
 * client secret, the redirect URI and PKCE, as a real provider does. `tamper` makes it misbehave.
 */
export interface TestUser { sub: string; preferred_username?: string; name?: string; email?: string; groups?: string[] }
export type Tamper = 'none' | 'signature' | 'audience' | 'issuer' | 'expired' | 'nonce' | 'alg-none' | 'hs256' | 'unknown-kid';

export class TestIdentityProvider {
  readonly clientId = 'medflow-test';
  readonly clientSecret = 'idp-client-secret-123';
  nextUser: TestUser = { sub: 'u-1', preferred_username: 'yamada', name: '山田 太郎', groups: ['physicians'] };
  tamper: Tamper = 'none';
  /** Requests the token endpoint refused, with why (for assertions). */
  readonly refusals: string[] = [];
  private server?: Server;
  private readonly codes = new Map<string, { user: TestUser; nonce: string; challenge: string; redirectUri: string }>();
  private keys: { kid: string; privateKey: KeyObject; publicJwk: Record<string, unknown> };
  issuer = '';

  /**
   * `browserHost`: the host the authorisation endpoint is advertised under. A browser test sets it to
   * "localhost" so the round trip to the provider and back is cross-site, as it is in a hospital.
   */
  constructor(private readonly options: { browserHost?: string } = {}) { this.keys = this.newKey(); }

  private newKey() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = randomBytes(6).toString('hex');
    return { kid, privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
  }

  /** The provider rotates its signing key (the relying party must refetch the JWKS). */
  rotateKey(): void { this.keys = this.newKey(); }

  async start(): Promise<this> {
    this.server = createServer((req, res) => { void this.handle(req, res); });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.issuer = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/realm`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) {
    const url = new URL(req.url ?? '/', this.issuer);
    const json = (status: number, body: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (url.pathname === '/realm/.well-known/openid-configuration') {
      return json(200, {
        issuer: this.issuer, authorization_endpoint: `${this.options.browserHost ? this.issuer.replace('127.0.0.1', this.options.browserHost) : this.issuer}/authorize`, token_endpoint: `${this.issuer}/token`, jwks_uri: `${this.issuer}/jwks`,
        response_types_supported: ['code'], code_challenge_methods_supported: ['S256'], id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (url.pathname === '/realm/jwks') return json(200, { keys: [this.keys.publicJwk] });
    if (url.pathname === '/realm/authorize') {
      const p = url.searchParams;
      if (p.get('client_id') !== this.clientId || p.get('response_type') !== 'code' || p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge')) return json(400, { error: 'invalid_request' });
      const code = randomBytes(16).toString('hex');
      this.codes.set(code, { user: this.nextUser, nonce: p.get('nonce') ?? '', challenge: p.get('code_challenge')!, redirectUri: p.get('redirect_uri')! });
      const back = new URL(p.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', p.get('state') ?? '');
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (url.pathname === '/realm/token' && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      const refuse = (why: string) => { this.refusals.push(why); json(400, { error: 'invalid_grant', error_description: why }); };
      const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      if (basic !== `${this.clientId}:${this.clientSecret}`) return refuse('client authentication');
      const grant = this.codes.get(form.get('code') ?? '');
      this.codes.delete(form.get('code') ?? '');
      if (!grant) return refuse('unknown or used code');
      if (form.get('redirect_uri') !== grant.redirectUri) return refuse('redirect_uri');
      if (createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') !== grant.challenge) return refuse('pkce');
      return json(200, { access_token: 'opaque', token_type: 'Bearer', expires_in: 300, id_token: this.idToken(grant.user, grant.nonce) });
    }
    json(404, { error: 'not_found' });
  }

  private idToken(user: TestUser, nonce: string): string {
    const now = Math.floor(Date.now() / 1000);
    const t = this.tamper;
    const header = { alg: t === 'alg-none' ? 'none' : t === 'hs256' ? 'HS256' : 'RS256', typ: 'JWT', kid: t === 'unknown-kid' ? 'no-such-key' : this.keys.kid };
    const claims = {
      ...user, iss: t === 'issuer' ? 'https://evil.example/realm' : this.issuer, aud: t === 'audience' ? 'another-client' : this.clientId,
      iat: now - (t === 'expired' ? 7200 : 0), exp: now + (t === 'expired' ? -3600 : 300), nonce: t === 'nonce' ? 'not-the-nonce' : nonce,
    };
    const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const input = `${encode(header)}.${encode(claims)}`;
    if (t === 'alg-none') return `${input}.`;
    const signature = sign('sha256', Buffer.from(input), this.keys.privateKey).toString('base64url');
    // A token signed for one user, its payload then edited to grant admin: the signature no longer matches.
    if (t === 'signature') return `${encode(header)}.${encode({ ...claims, groups: ['medflow-admins'] })}.${signature}`;
    return `${input}.${signature}`;
  }
}
