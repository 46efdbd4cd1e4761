import { generateKeyPairSync, sign, constants } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyIdToken, type Jwk } from './id-token.js';
import { parseRoleMap, rolesFromClaims } from './role-mapping.js';
import { usernameFrom } from './oidc-sign-in.js';

const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const claims = { iss: 'https://idp.example', sub: 's1', aud: 'app', iat: now, exp: now + 60, nonce: 'n1' };
const expect_ = { issuer: 'https://idp.example', clientId: 'app', nonce: 'n1' };

describe('ID token verification', () => {
  it('verifies ES256 (raw r||s) and PS256 signatures, and refuses a key of the wrong type', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecJwk = { ...ec.publicKey.export({ format: 'jwk' }), kid: 'e' } as Jwk;
    const esInput = `${encode({ alg: 'ES256', kid: 'e' })}.${encode(claims)}`;
    const es = `${esInput}.${sign('sha256', Buffer.from(esInput), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    await expect(verifyIdToken(es, async () => ecJwk, expect_)).resolves.toMatchObject({ sub: 's1' });

    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaJwk = { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'r' } as Jwk;
    const psInput = `${encode({ alg: 'PS256', kid: 'r' })}.${encode(claims)}`;
    const ps = `${psInput}.${sign('sha256', Buffer.from(psInput), { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64url')}`;
    await expect(verifyIdToken(ps, async () => rsaJwk, expect_)).resolves.toMatchObject({ sub: 's1' });
    await expect(verifyIdToken(ps, async () => ecJwk, expect_)).rejects.toThrow(/does not fit/);
  });

  it('checks azp when there are several audiences, and refuses garbage', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = rsa.publicKey.export({ format: 'jwk' }) as Jwk;
    const token = (c: object) => { const input = `${encode({ alg: 'RS256' })}.${encode(c)}`; return `${input}.${sign('sha256', Buffer.from(input), rsa.privateKey).toString('base64url')}`; };
    await expect(verifyIdToken(token({ ...claims, aud: ['app', 'other'] }), async () => jwk, expect_)).rejects.toThrow(/azp/);
    await expect(verifyIdToken(token({ ...claims, aud: ['app', 'other'], azp: 'app' }), async () => jwk, expect_)).resolves.toBeTruthy();
    for (const bad of ['', 'a.b', 'a.b.c.d', '!!.??.##', `${encode([1])}.${encode(claims)}.x`]) {
      await expect(verifyIdToken(bad, async () => jwk, expect_)).rejects.toThrow();
    }
  });
});

describe('provider groups and names', () => {
  it('maps groups (list, space-separated string, nested claim) to roles and refuses unknown roles', () => {
    const map = parseRoleMap('physicians=reviewer+runner, it-admins=admin, physicians=runner');
    expect(map).toEqual({ physicians: ['reviewer', 'runner'], 'it-admins': ['admin'] });
    expect(rolesFromClaims({ groups: ['physicians', 'other'] }, 'groups', map).roles).toEqual(['reviewer', 'runner']);
    expect(rolesFromClaims({ groups: 'it-admins physicians' }, 'groups', map).roles).toEqual(['admin', 'reviewer', 'runner']);
    expect(rolesFromClaims({ realm_access: { roles: ['it-admins'] } }, 'realm_access.roles', map).roles).toEqual(['admin']);
    expect(rolesFromClaims({ groups: ['__proto__', 'constructor'] }, 'groups', map).roles).toEqual([]);
    expect(() => parseRoleMap('physicians=chief')).toThrow(/unknown role chief/);
    expect(() => parseRoleMap('physicians')).toThrow(/group=role/);
  });

  it('derives a valid local user name', () => {
    expect(usernameFrom('Yamada.Taro@Hosp.example', 's')).toBe('yamada.taro-hosp.example');
    expect(usernameFrom('ＹＡＭＡＤＡ', 's')).toBe('yamada');
    expect(usernameFrom('山田', 'subject-1')).toMatch(/^sso-[0-9a-f]{12}$/);
  });
});
