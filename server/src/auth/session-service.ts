import { createHash, randomBytes } from 'node:crypto';
import { sameSecret } from './same-secret.js';
import type { DocumentStore } from '../store/index.js';

export interface SessionPolicy {
  /** Signed out after this long without a request. */
  idleMinutes: number;
  /** Signed out this long after signing in, however active. */
  maxHours: number;
}

export interface SessionRecord {
  /** sha256 of the cookie token: a copy of the database does not hand out live sessions. */
  id: string;
  userId: string;
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  clientAddress?: string;
  userAgent?: string;
  method: 'password' | 'oidc';
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
/** A session's last-seen time is written at most this often: a write per request would cost more than the request. */
const TOUCH_EVERY_MS = 60_000;

export class SessionService {
  private readonly cache = new Map<string, SessionRecord>();

  constructor(private readonly store: DocumentStore, private readonly policy: SessionPolicy) {}

  private get sessions() { return this.store.collection<SessionRecord>('sessions'); }

  async create(userId: string, meta: { clientAddress?: string; userAgent?: string; method?: 'password' | 'oidc' }, now = Date.now()): Promise<{ token: string; session: SessionRecord }> {
    const token = randomBytes(32).toString('base64url');
    const session: SessionRecord = {
      id: hashToken(token), userId, csrfToken: randomBytes(24).toString('base64url'),
      createdAt: new Date(now).toISOString(), lastSeenAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.policy.maxHours * 3_600_000).toISOString(), method: meta.method ?? 'password',
      ...(meta.clientAddress ? { clientAddress: meta.clientAddress } : {}), ...(meta.userAgent ? { userAgent: meta.userAgent.slice(0, 300) } : {}),
    };
    await this.sessions.insert(session);
    this.cache.set(session.id, session);
    return { token, session };
  }

  /** The live session for a cookie token, touched; undefined when unknown, idle too long or past its lifetime. */
  async resolve(token: string, now = Date.now()): Promise<SessionRecord | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const id = hashToken(token);
    let session = this.cache.get(id) ?? (await this.sessions.get(id));
    if (!session) return undefined;
    const idleLimit = Date.parse(session.lastSeenAt) + this.policy.idleMinutes * 60_000;
    if (now > idleLimit || now > Date.parse(session.expiresAt)) {
      await this.revokeById(id);
      return undefined;
    }
    if (now - Date.parse(session.lastSeenAt) > TOUCH_EVERY_MS) {
      session = { ...session, lastSeenAt: new Date(now).toISOString() };
      await this.sessions.put(session);
    }
    this.cache.set(id, session);
    return session;
  }

  checkCsrf(session: SessionRecord, token: string | undefined): boolean {
    return !!token && sameSecret(session.csrfToken, token);
  }

  async revoke(token: string): Promise<void> { await this.revokeById(hashToken(token)); }

  async revokeById(id: string): Promise<void> {
    this.cache.delete(id);
    await this.sessions.delete(id);
  }

  /** Signs a user out everywhere (password change, disabled account, role change). */
  async revokeUser(userId: string, exceptId?: string): Promise<number> {
    for (const [id, s] of this.cache) if (s.userId === userId && id !== exceptId) this.cache.delete(id);
    const all = await this.sessions.find({ userId });
    let n = 0;
    for (const s of all) if (s.id !== exceptId && (await this.sessions.delete(s.id))) n++;
    return n;
  }
}
