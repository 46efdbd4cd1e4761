import { decodeProtectedHeader, errors, importJWK, jwtVerify, type JWK, type JWTHeaderParameters } from 'jose';

/**
 * Signature algorithms accepted for ID tokens: asymmetric only. jose refuses any other `alg` (`none`, HMAC with the
 * public key as secret…) before a key is even looked up.
 */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];
const KEY_TYPE: Record<string, string> = { R: 'RSA', P: 'RSA', E: 'EC' };

export interface Jwk extends JWK { kid?: string; alg?: string; use?: string }

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

/**
 * Verifies an OpenID Connect ID token with the provider's JWKS: signature, algorithm, issuer, audience and expiry by
 * `jose`; what OIDC Core §3.1.3.7 adds on top of JWT (subject, authorised party, issue time, nonce) here.
 * `keyFor` returns the key for a key id, fetching the JWKS again when the provider rotated keys.
 */
export async function verifyIdToken(token: string, keyFor: (kid: string | undefined, alg: string) => Promise<Jwk | undefined>, expect: IdTokenExpectations): Promise<IdTokenClaims> {
  const now = expect.now ?? Math.floor(Date.now() / 1000);
  const skew = expect.skewSeconds ?? 60;
  const resolveKey = async (header: JWTHeaderParameters) => {
    const { kid, alg } = header;
    const jwk = await keyFor(kid, alg);
    if (!jwk) throw new IdTokenError(`no signing key "${kid ?? '(none)'}" in the provider's JWKS`);
    // A key published for another algorithm or for encryption is not one to verify this token with.
    if (jwk.kty !== KEY_TYPE[alg[0]!] || (jwk.alg && jwk.alg !== alg) || (jwk.use && jwk.use !== 'sig')) throw new IdTokenError(`key "${kid}" does not fit algorithm ${alg}`);
    try { return await importJWK(jwk, alg); } catch { throw new IdTokenError(`key "${kid}" cannot be read`); }
  };
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, resolveKey, {
      algorithms: ALGORITHMS, issuer: expect.issuer, audience: expect.clientId,
      clockTolerance: skew, currentDate: new Date(now * 1000), requiredClaims: ['exp', 'iat', 'sub'],
    }));
  } catch (error) {
    throw error instanceof IdTokenError ? error : new IdTokenError(reasonOf(error, token));
  }
  if (typeof claims.sub !== 'string' || !claims.sub || claims.sub.length > 255) throw new IdTokenError('subject missing');
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  if ((audiences.length > 1 || claims.azp !== undefined) && claims.azp !== expect.clientId) throw new IdTokenError('authorised party (azp) is another client');
  if (typeof claims.iat !== 'number' || claims.iat > now + skew) throw new IdTokenError('token issued in the future');
  if (claims.nonce !== expect.nonce) throw new IdTokenError('nonce does not match this sign-in');
  return claims as IdTokenClaims;
}

/** jose's refusal in the words the sign-in page and the audit trail have always used. */
function reasonOf(error: unknown, token: string): string {
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature does not verify';
  if (error instanceof errors.JOSEAlgNotAllowed) {
    let alg = '';
    try { alg = String(decodeProtectedHeader(token).alg ?? ''); } catch { /* named as unknown below */ }
    return `signature algorithm "${alg}" is not accepted`;
  }
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'issuer is not the configured one';
    if (error.claim === 'aud') return 'token was issued for another client (aud)';
    if (error.claim === 'sub') return 'subject missing';
    return `claim "${error.claim}" is invalid (${error.reason})`;
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return `not a valid signed token (${(error as Error).message})`;
  if (error instanceof errors.JOSENotSupported) return `not supported: ${(error as Error).message}`;
  return `token refused: ${(error as Error).message}`;
}
