import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite-store.js';
import { COLLECTIONS } from '../store/collections.js';
import { checkPassword } from './password-policy.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { SessionService } from './session-service.js';
import { base32Encode, totpAt, totpNow, verifyTotp } from './totp.js';

describe('TOTP (RFC 6238)', () => {
  it('matches the RFC test vectors (SHA-1, truncated to 6 digits)', () => {
    const secret = base32Encode(Buffer.from('12345678901234567890'));
    expect(totpAt(secret, Math.floor(59 / 30))).toBe('287082');
    expect(totpAt(secret, Math.floor(1111111109 / 30))).toBe('081804');
    expect(totpAt(secret, Math.floor(1234567890 / 30))).toBe('005924');
  });

  it('accepts one step of clock drift, refuses replays and wrong codes', () => {
    const secret = base32Encode(Buffer.from('abcdefghijabcdefghij'));
    const now = 1_800_000_000_000;
    const step = verifyTotp(secret, totpNow(secret, now - 30_000), -1, now);
    expect(step).toBeDefined();
    expect(verifyTotp(secret, totpNow(secret, now - 30_000), step!, now)).toBeUndefined();
    expect(verifyTotp(secret, totpNow(secret, now - 120_000), -1, now)).toBeUndefined();
    expect(verifyTotp(secret, '１２３', -1, now)).toBeUndefined();
  });
});

describe('passwords', () => {
  it('hashes with scrypt and a per-user salt, and verifies', async () => {
    const a = await hashPassword('Kanri-Sekinin-2026!');
    const b = await hashPassword('Kanri-Sekinin-2026!');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('Kanri-Sekinin-2026!', a)).toBe(true);
    expect(await verifyPassword('kanri-sekinin-2026!', a)).toBe(false);
  });

  it('enforces the policy: length, character classes, user name, common passwords', () => {
    expect(checkPassword('short1A!', 'tanaka').map((p) => p.code)).toContain('PASSWORD_TOO_SHORT');
    expect(checkPassword('alllowercaseletters', 'tanaka')).toEqual([]);
    expect(checkPassword('alllowercase', 'tanaka').map((p) => p.code)).toContain('PASSWORD_TOO_SIMPLE');
    expect(checkPassword('Tanaka-2026-xyz', 'tanaka').map((p) => p.code)).toContain('PASSWORD_CONTAINS_USERNAME');
    expect(checkPassword('Password1234', 'x').map((p) => p.code)).toEqual([]);
    expect(checkPassword('p@ssw0rd1234', 'x').map((p) => p.code)).toContain('PASSWORD_COMMON');
  });
});

describe('sessions', () => {
  it('end after the idle timeout and after the absolute lifetime, and store only a hash of the token', async () => {
    const store = new SqliteStore({ path: ':memory:', collections: COLLECTIONS });
    const sessions = new SessionService(store, { idleMinutes: 30, maxHours: 12 });
    const t0 = Date.parse('2026-11-24T09:00:00Z');
    const { token, session } = await sessions.create('u1', {}, t0);
    expect(session.id).not.toContain(token);
    expect(JSON.stringify(await store.collection('sessions').find({}))).not.toContain(token);
    expect(await sessions.resolve(token, t0 + 29 * 60_000)).toBeDefined();
    expect(await sessions.resolve(token, t0 + 58 * 60_000)).toBeDefined(); // touched at 29 min
    expect(await sessions.resolve(token, t0 + 89 * 60_000)).toBeUndefined(); // idle 31 min
    const second = await sessions.create('u1', {}, t0);
    for (let m = 25; m < 12 * 60; m += 25) expect(await sessions.resolve(second.token, t0 + m * 60_000)).toBeDefined();
    expect(await sessions.resolve(second.token, t0 + 12 * 3_600_000 + 60_000)).toBeUndefined();
    expect(await sessions.resolve('not-a-token')).toBeUndefined();
    await store.close();
  });
});

describe('sameSecret', () => {
  it('compares bytes: a guess of the same length in characters but not in bytes is refused, not thrown', async () => {
    const { sameSecret } = await import('./same-secret.js');
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abd')).toBe(false);
    expect(sameSecret('abc', 'あいう')).toBe(false);
    expect(sameSecret('abc', undefined)).toBe(false);
  });
});
