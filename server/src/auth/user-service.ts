import { createHash } from 'node:crypto';
import { ErrorCodes, MedflowError } from '@medflow/sdk';
import { uuidV7 } from '../ids/uuid-v7.js';
import type { DocumentStore } from '../store/index.js';
import { AuthCodes, refusal } from './auth-errors.js';
import { checkPassword } from './password-policy.js';
import { decoyHash, hashPassword, verifyPassword } from './passwords.js';
import { ROLES, type Role } from './roles.js';
import { generateTotpSecret, otpauthUrl, verifyTotp } from './totp.js';

export interface UserRecord {
  id: string;
  /** Lower case, unique. */
  username: string;
  displayName: string;
  roles: Role[];
  passwordHash?: string;
  /** Kept encrypted at rest (the store encrypts this field). */
  totp?: { secret: string; lastUsedStep: number; enabledAt: string };
  /** An enrolment started but not yet confirmed with a code. */
  pendingTotpSecret?: string;
  /** Set for users created or reset by an admin: they must choose their own password first. */
  mustChangePassword: boolean;
  disabled: boolean;
  failedLogins: number;
  lockedUntil?: string;
  /** `issuer|subject` at the hospital's identity provider, for OIDC sign-ins (no password then). */
  oidcSubject?: string;
  lastLoginAt?: string;
  passwordChangedAt?: string;
  createdAt: string;
  updatedAt: string;
}

export interface PublicUser {
  id: string; username: string; displayName: string; roles: Role[]; totpEnabled: boolean;
  mustChangePassword: boolean; disabled: boolean; locked: boolean; lastLoginAt?: string; createdAt: string; sso: boolean;
}

export interface LockoutPolicy { threshold: number; minutes: number }

export const publicUser = (u: UserRecord, now = Date.now()): PublicUser => ({
  id: u.id, username: u.username, displayName: u.displayName, roles: u.roles, totpEnabled: !!u.totp,
  mustChangePassword: u.mustChangePassword, disabled: u.disabled, locked: !!u.lockedUntil && Date.parse(u.lockedUntil) > now,
  createdAt: u.createdAt, sso: !!u.oidcSubject, ...(u.lastLoginAt ? { lastLoginAt: u.lastLoginAt } : {}),
});

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}$/;

export type LoginResult =
  | { ok: true; user: UserRecord }
  | { ok: false; reason: 'invalid' | 'locked' | 'disabled' | 'totp_required' | 'totp_invalid' | 'username_taken'; user?: UserRecord; lockedUntil?: string };

/** Marker row id for a provider identity: its hash, so the row holds no identifier in the clear. */
const subjectKey = (subject: string) => createHash('sha256').update(subject).digest('hex');

/** Local accounts: creation, password and TOTP checks, lockout after repeated failures. */
export class UserService {
  /** Users by id: every request needs its user, and only this service changes them (one server process). */
  private readonly cache = new Map<string, UserRecord>();

  /** One sign-in at a time per user name: parallel guesses would otherwise all read the same failure count. */
  private readonly signingIn = new Map<string, Promise<unknown>>();
  /** Failures of user names that do not exist, counted like real ones so a lock does not tell which names exist. */
  private readonly decoys = new Map<string, { failures: number; lockedUntil?: number }>();

  constructor(private readonly store: DocumentStore, private readonly lockout: LockoutPolicy) {}

  private get users() { return this.store.collection<UserRecord>('users'); }

  async count(): Promise<number> { return this.users.count(); }
  async list(): Promise<UserRecord[]> { return this.users.find({}, { sort: { field: 'username', direction: 'asc' }, limit: 10_000 }); }
  async find(id: string): Promise<UserRecord | undefined> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const user = await this.users.get(id);
    if (user) this.cache.set(id, user);
    return user;
  }
  async byUsername(username: string): Promise<UserRecord | undefined> {
    return (await this.users.find({ username: username.normalize('NFKC').toLowerCase() }, { limit: 1 }))[0];
  }

  async get(id: string): Promise<UserRecord> {
    const user = await this.users.get(id);
    if (!user) throw refusal(ErrorCodes.NOT_FOUND, `user "${id}" not found`, { id });
    return user;
  }

  async create(input: { username: string; displayName: string; roles: Role[]; password?: string; mustChangePassword?: boolean; totpSecret?: string; totpStep?: number; oidcSubject?: string; passwordField?: string }): Promise<UserRecord> {
    const username = input.username.normalize('NFKC').toLowerCase();
    if (!USERNAME.test(username)) throw refusal(ErrorCodes.VALIDATION_FAILED, 'user name: 2–63 characters of a–z, 0–9, ".", "_", "-"', { problems: [{ path: 'body.username', message: 'invalid user name' }] });
    if (input.roles.some((r) => !ROLES.includes(r))) throw refusal(ErrorCodes.VALIDATION_FAILED, 'unknown role');
    if (input.password !== undefined) this.assertPolicy(input.password, username, input.passwordField);
    // The username is the id of a marker row: insert is atomic in both stores, so two concurrent creations cannot both win.
    await this.store.collection<{ id: string; userId: string }>('usernames').insert({ id: username, userId: '' }).catch((error) => {
      if ((error as MedflowError).code === ErrorCodes.CONFLICT) throw refusal(ErrorCodes.CONFLICT, `user name "${username}" is taken`, { username });
      throw error;
    });
    const now = new Date().toISOString();
    const user: UserRecord = {
      id: uuidV7(), username, displayName: input.displayName, roles: [...new Set(input.roles)],
      ...(input.password !== undefined ? { passwordHash: await hashPassword(input.password), passwordChangedAt: now } : {}),
      ...(input.totpSecret ? { totp: { secret: input.totpSecret, lastUsedStep: input.totpStep ?? -1, enabledAt: now } } : {}),
      ...(input.oidcSubject ? { oidcSubject: input.oidcSubject } : {}),
      mustChangePassword: input.mustChangePassword ?? false, disabled: false, failedLogins: 0, createdAt: now, updatedAt: now,
    };
    await this.users.insert(user);
    this.cache.set(user.id, user);
    await this.store.collection<{ id: string; userId: string }>('usernames').put({ id: username, userId: user.id });
    if (user.oidcSubject) await this.subjects.put({ id: subjectKey(user.oidcSubject), userId: user.id });
    return user;
  }

  private get subjects() { return this.store.collection<{ id: string; userId: string }>('oidc_subjects'); }

  /**
   * A sign-in vouched for by the identity provider. The first sign-in creates the account; the
   * provider stays the authority for roles and name, so they are refreshed at every sign-in. A name
   * already held by a local account is refused rather than linked: linking would let whoever controls
   * that name at the provider take over the local account.
   */
  async signInExternal(identity: { subject: string; username: string; displayName: string; roles: Role[] }, now = Date.now()): Promise<LoginResult> {
    const link = await this.subjects.get(subjectKey(identity.subject));
    const at = new Date(now).toISOString();
    if (!link) {
      const existing = await this.byUsername(identity.username);
      if (existing) return { ok: false, reason: 'username_taken', user: existing };
      const created = await this.create({ username: identity.username, displayName: identity.displayName, roles: identity.roles, oidcSubject: identity.subject });
      return { ok: true, user: await this.save({ ...created, lastLoginAt: at }) };
    }
    const user = await this.get(link.userId);
    if (user.disabled) return { ok: false, reason: 'disabled', user };
    return { ok: true, user: await this.save({ ...user, roles: identity.roles, displayName: identity.displayName, lastLoginAt: at }) };
  }

  /** `field`: the request field the password came in, so the problem points at it. */
  assertPolicy(password: string, username: string, field = 'password'): void {
    const problems = checkPassword(password, username);
    if (problems.length) throw refusal(AuthCodes.PASSWORD_POLICY, problems.map((p) => p.message).join('; '), { problems: problems.map((p) => ({ ...p, path: `body.${field}` })) });
  }

  /**
   * Checks a password (and TOTP when enrolled). Failures count towards a lockout; a locked account
   * refuses even the right password until the lock expires or an admin unlocks it.
   */
  async login(username: string, password: string, totpCode?: string, now = Date.now()): Promise<LoginResult> {
    // Attempts for one name queue behind each other, each reading the count the one before it wrote: 60 parallel
    // wrong passwords lock the account after the threshold instead of all being verified against a count of 0.
    const key = username.normalize('NFKC').toLowerCase();
    const before = this.signingIn.get(key) ?? Promise.resolve();
    const attempt = before.catch(() => undefined).then(() => this.loginOnce(key, username, password, totpCode, now));
    this.signingIn.set(key, attempt);
    try { return await attempt; } finally { if (this.signingIn.get(key) === attempt) this.signingIn.delete(key); }
  }

  private async loginOnce(key: string, username: string, password: string, totpCode: string | undefined, now: number): Promise<LoginResult> {
    const user = await this.byUsername(username);
    if (!user || !user.passwordHash) {
      const decoy = this.decoys.get(key) ?? { failures: 0 };
      if (decoy.lockedUntil && decoy.lockedUntil > now) return { ok: false, reason: 'locked', lockedUntil: new Date(decoy.lockedUntil).toISOString() };
      await verifyPassword(password, await decoyHash());
      decoy.failures++;
      if (decoy.failures >= this.lockout.threshold) { decoy.failures = 0; decoy.lockedUntil = now + this.lockout.minutes * 60_000; }
      this.decoys.set(key, decoy);
      if (this.decoys.size > 10_000) this.decoys.delete(this.decoys.keys().next().value!);
      return decoy.lockedUntil && decoy.lockedUntil > now ? { ok: false, reason: 'locked', lockedUntil: new Date(decoy.lockedUntil).toISOString() } : { ok: false, reason: 'invalid' };
    }
    if (user.disabled) return { ok: false, reason: 'disabled', user };
    if (user.lockedUntil && Date.parse(user.lockedUntil) > now) return { ok: false, reason: 'locked', user, lockedUntil: user.lockedUntil };
    if (!(await verifyPassword(password, user.passwordHash))) return this.fail(user, 'invalid', now);
    if (user.totp) {
      if (!totpCode) return { ok: false, reason: 'totp_required', user };
      const step = verifyTotp(user.totp.secret, totpCode, user.totp.lastUsedStep, now);
      if (step === undefined) return this.fail(user, 'totp_invalid', now);
      user.totp = { ...user.totp, lastUsedStep: step };
    }
    const { lockedUntil: _l, ...rest } = user;
    const updated: UserRecord = { ...rest, failedLogins: 0, lastLoginAt: new Date(now).toISOString(), updatedAt: new Date(now).toISOString() };
    await this.users.put(updated);
    this.cache.set(updated.id, updated);
    return { ok: true, user: updated };
  }

  private async fail(user: UserRecord, reason: 'invalid' | 'totp_invalid', now: number): Promise<LoginResult> {
    const failedLogins = user.failedLogins + 1;
    const locked = failedLogins >= this.lockout.threshold;
    const updated: UserRecord = {
      ...user, failedLogins: locked ? 0 : failedLogins, updatedAt: new Date(now).toISOString(),
      ...(locked ? { lockedUntil: new Date(now + this.lockout.minutes * 60_000).toISOString() } : {}),
    };
    await this.users.put(updated);
    this.cache.set(updated.id, updated);
    return locked ? { ok: false, reason: 'locked', user: updated, lockedUntil: updated.lockedUntil! } : { ok: false, reason, user: updated };
  }

  async changePassword(id: string, current: string | undefined, next: string): Promise<UserRecord> {
    const user = await this.get(id);
    if (user.passwordHash && !(current !== undefined && (await verifyPassword(current, user.passwordHash)))) {
      throw refusal(AuthCodes.INVALID_CREDENTIALS, 'current password is wrong / 現在のパスワードが違います', { problems: [{ path: 'body.currentPassword', message: 'wrong password' }] });
    }
    if (user.passwordHash && (await verifyPassword(next, user.passwordHash))) throw refusal(AuthCodes.PASSWORD_POLICY, 'choose a password different from the current one / 現在と異なるパスワードにしてください');
    this.assertPolicy(next, user.username, 'newPassword');
    const now = new Date().toISOString();
    return this.save({ ...user, passwordHash: await hashPassword(next), mustChangePassword: false, passwordChangedAt: now });
  }

  /** Starts TOTP enrolment: the secret is shown once and becomes active when a code from it is confirmed. */
  async beginTotp(id: string): Promise<{ secret: string; otpauthUrl: string }> {
    const user = await this.get(id);
    const secret = generateTotpSecret();
    await this.save({ ...user, pendingTotpSecret: secret });
    return { secret, otpauthUrl: otpauthUrl(secret, user.username) };
  }

  async confirmTotp(id: string, code: string): Promise<UserRecord> {
    const user = await this.get(id);
    if (!user.pendingTotpSecret) throw refusal(ErrorCodes.CONFLICT, 'no TOTP enrolment in progress; start one first');
    const step = verifyTotp(user.pendingTotpSecret, code);
    if (step === undefined) throw refusal(AuthCodes.INVALID_CREDENTIALS, 'the code does not match; check the authenticator app and the clock / 確認コードが一致しません', { problems: [{ path: 'body.code', message: 'wrong code' }] });
    const { pendingTotpSecret, ...rest } = user;
    return this.save({ ...rest, totp: { secret: pendingTotpSecret, lastUsedStep: step, enabledAt: new Date().toISOString() } });
  }

  async update(id: string, change: { displayName?: string; roles?: Role[]; disabled?: boolean; unlock?: boolean; resetTotp?: boolean; temporaryPassword?: string }): Promise<UserRecord> {
    const user = await this.get(id);
    let next: UserRecord = { ...user };
    if (change.displayName !== undefined) next.displayName = change.displayName;
    if (change.roles) next.roles = [...new Set(change.roles)];
    if (change.disabled !== undefined) next.disabled = change.disabled;
    if (change.unlock) { const { lockedUntil: _l, ...rest } = next; next = { ...rest, failedLogins: 0 }; }
    if (change.resetTotp) { const { totp: _t, pendingTotpSecret: _p, ...rest } = next; next = rest; }
    if (change.temporaryPassword !== undefined) {
      this.assertPolicy(change.temporaryPassword, user.username, 'temporaryPassword');
      next = { ...next, passwordHash: await hashPassword(change.temporaryPassword), mustChangePassword: true, passwordChangedAt: new Date().toISOString() };
    }
    return this.save(next);
  }

  private async save(user: UserRecord): Promise<UserRecord> {
    const updated = { ...user, updatedAt: new Date().toISOString() };
    await this.users.put(updated);
    this.cache.set(updated.id, updated);
    return updated;
  }
}
