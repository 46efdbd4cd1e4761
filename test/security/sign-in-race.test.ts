import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, Client, createUser, USER_PASSWORD } from '../support/client.js';
import { startTestServer } from '../support/server.js';

// Before the fix, 60 parallel wrong passwords were all verified (no 423/429) and the account stayed unlocked; so did
// 40 parallel wrong TOTP codes; and only existing accounts ever answered 423, which told which names exist.
describe('sign-in lockout and throttle under concurrency', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => { server = await startTestServer({ MEDFLOW_LOCKOUT_THRESHOLD: '5' }); });
  afterAll(async () => { await server.stop(); });

  it('60 parallel wrong passwords lock the account and hit the address throttle', async () => {
    await createUser(server.admin, 'doctor-race', ['author']);
    const results = await Promise.all(Array.from({ length: 60 }, () => new Client(server.url).signIn('doctor-race', 'Wrong-Password-9')));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.every((s) => [401, 423, 429].includes(s))).toBe(true);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
  });
});

describe('TOTP guesses in parallel', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => { server = await startTestServer({ MEDFLOW_LOCKOUT_THRESHOLD: '5' }); });
  afterAll(async () => { await server.stop(); });

  it('40 parallel wrong TOTP codes with the right password lock the account', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, () => new Client(server.url).api('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD, totp: '000000' })));
    expect(results.filter((r) => r.status === 401).length).toBeLessThanOrEqual(5);
    expect(results.every((r) => [401, 423, 429].includes(r.status))).toBe(true);
    expect(results.some((r) => r.status === 423)).toBe(true);
    // Locked: even the right code is refused until the lock expires or an administrator unlocks it.
    expect((await new Client(server.url).signIn('admin', ADMIN_PASSWORD, server.admin.totpSecret)).status).not.toBe(200);
  });
});

describe('unknown names', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => { server = await startTestServer({ MEDFLOW_LOCKOUT_THRESHOLD: '5' }); });
  afterAll(async () => { await server.stop(); });

  it('a name that does not exist locks the same way, so a 423 does not tell which names exist', async () => {
    const first = await Promise.all(Array.from({ length: 5 }, () => new Client(server.url).signIn('nobody-here', USER_PASSWORD)));
    expect(first.map((r) => r.status).sort()).toEqual([401, 401, 401, 401, 423]);
    expect((await new Client(server.url).signIn('nobody-here', USER_PASSWORD)).body.error.code).toBe('ACCOUNT_LOCKED');
  });
});
