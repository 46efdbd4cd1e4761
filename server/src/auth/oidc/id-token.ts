import { constants, createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

/** Signature algorithms accepted for ID tokens: asymmetric only ("none" and HMAC are refused). */
const ALGORITHMS: Record<string, { hash: string; kty: 'RSA' | 'EC' | 'OKP'; pss?: true; ec?: true }> = {
  RS256: { hash: 'sha256', kty: 'RSA' }, RS384: { hash: 'sha384', kty: 'RSA' }, RS512: { hash: 'sha512', kty: 'RSA' },
  PS256: { hash: 'sha256', kty: 'RSA', pss: true }, PS384: { hash: 'sha384', kty: 'RSA', pss: true }, PS512: { hash: 'sha512', kty: 'RSA', pss: true },
  ES256: { hash: 'sha256', kty: 'EC', ec: true }, ES384: { hash: 'sha384', kty: 'EC', ec: true }, ES512: { hash: 'sha512', kty: 'EC', ec: true },
};

export interface Jwk extends JsonWebKey { kid?: string; alg?: string; use?: string }

export interface IdTokenClaims {
  iss: string; sub: string; aud: string | string[]; exp: number; iat: number; nonce?: string; azp?: string;
  [claim: string]: unknown;
}

export interface IdTokenExpectations {
  issuer: string;
  clientId: string;
  nonce: string;
  /** Seconds since the epoch. */
  now?: number;
  /** Clock difference tolerated between us and the identity provider, seconds. */
  skewSeconds?: number;
}

/** Why a token was refused; the message is for the log and the audit event, never shown with the token. */
export class IdTokenError extends Error {}

const decodeJson = (part: string, what: string): Record<string, unknown> => {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch { /* fall through */ }
  throw new IdTokenError(`malformed token ${what}`);
};

/**
 * Verifies an OpenID Connect ID token (a compact JWS) with the provider's JWKS and checks the claims
 * OIDC Core §3.1.3.7 requires: issuer, audience (and azp), expiry, issue time and nonce.
 * `keyFor` returns the key for a key id, fetching the JWKS again when the provider rotated keys.
 */
export async function verifyIdToken(token: string, keyFor: (kid: string | undefined, alg: string) => Promise<Jwk | undefined>, expect: IdTokenExpectations): Promise<IdTokenClaims> {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) throw new IdTokenError('not a compact JWS');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart, 'header');
  const alg = typeof header.alg === 'string' ? header.alg : '';
  const spec = ALGORITHMS[alg];
  if (!spec) throw new IdTokenError(`signature algorithm "${alg}" is not accepted`);
  if (header.crit !== undefined) throw new IdTokenError('critical header extensions are not supported');
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const jwk = await keyFor(kid, alg);
  if (!jwk) throw new IdTokenError(`no signing key "${kid ?? '(none)'}" in the provider's JWKS`);
  if (jwk.kty !== spec.kty || (jwk.alg && jwk.alg !== alg) || (jwk.use && jwk.use !== 'sig')) throw new IdTokenError(`key "${kid}" does not fit algorithm ${alg}`);
  let key: KeyObject;
  try { key = createPublicKey({ key: jwk, format: 'jwk' }); } catch { throw new IdTokenError(`key "${kid}" cannot be read`); }
  const signed = Buffer.from(`${headerPart}.${payloadPart}`);
  const signature = Buffer.from(signaturePart, 'base64url');
  const ok = verify(spec.hash, signed, {
    key,
    ...(spec.pss ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : {}),
    ...(spec.ec ? { dsaEncoding: 'ieee-p1363' as const } : {}),
  }, signature);
  if (!ok) throw new IdTokenError('signature does not verify');

  const claims = decodeJson(payloadPart, 'payload');
  const now = expect.now ?? Math.floor(Date.now() / 1000);
  const skew = expect.skewSeconds ?? 60;
  if (claims.iss !== expect.issuer) throw new IdTokenError(`issuer "${String(claims.iss)}" is not "${expect.issuer}"`);
  if (typeof claims.sub !== 'string' || !claims.sub || claims.sub.length > 255) throw new IdTokenError('subject missing');
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  if (!audiences.includes(expect.clientId)) throw new IdTokenError('token was issued for another client (aud)');
  if ((audiences.length > 1 || claims.azp !== undefined) && claims.azp !== expect.clientId) throw new IdTokenError('authorised party (azp) is another client');
  if (typeof claims.exp !== 'number' || now > claims.exp + skew) throw new IdTokenError('token expired');
  if (typeof claims.iat !== 'number' || claims.iat > now + skew) throw new IdTokenError('token issued in the future');
  if (claims.nonce !== expect.nonce) throw new IdTokenError('nonce does not match this sign-in');
  return claims as IdTokenClaims;
}
