import { createHash } from 'node:crypto';
import type { DocumentStore } from '../store/index.js';

export interface AuditEventInput {
  /** Who: a signed-in user, or the name someone tried to sign in with; null for the system itself. */
  actor: { id?: string; username?: string } | null;
  /** What, e.g. `auth.login`, `run.start`, `run.view`, `workflow.update`, `review.decide`, `user.update`. */
  action: string;
  resource?: { type: string; id?: string };
  /** True when the action touched patient data (run inputs/outputs, review payloads). */
  patientData: boolean;
  outcome: 'success' | 'failure' | 'denied';
  clientAddress?: string;
  /** Small, non-patient facts: reasons, changed field names, counts. Never patient data. */
  details?: Record<string, unknown>;
}

export interface AuditEvent extends AuditEventInput {
  /** Zero-padded sequence number: ids sort in chain order. */
  id: string;
  seq: number;
  time: string;
  prevHash: string;
  hash: string;
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  /** The first event whose hash or link does not hold, and why. */
  firstBroken?: { seq: number; reason: string };
}

const GENESIS = '0'.repeat(64);
const PAGE = 1000;
const idOf = (seq: number) => String(seq).padStart(12, '0');

/** JSON with object keys sorted at every level, so a hash does not depend on key order after a round trip through a store. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const hashEvent = (event: Omit<AuditEvent, 'hash'>): string => createHash('sha256').update(canonicalJson(event)).digest('hex');

/**
 * The audit trail: append-only to the application (no update or delete here), each event carrying the
 * hash of the one before, so editing, removing or reordering a stored event breaks the chain at that
 * point and `verify` names it. Appends are serialised in this process; one server writes the trail.
 */
export class AuditLog {
  private tail: Promise<unknown> = Promise.resolve();
  private head?: { seq: number; hash: string };

  constructor(private readonly store: DocumentStore) {}

  private get events() { return this.store.collection<AuditEvent>('audit_events'); }

  append(input: AuditEventInput): Promise<AuditEvent> {
    // Where the store applies writes in call order (the embedded store), events are chained and queued
    // at once, so appends never wait on each other's commits; elsewhere each waits for the one before.
    if (this.head && this.store.writesInCallOrder) return this.write(input);
    const next = this.tail.catch(() => {}).then(async () => {
      this.head ??= await this.loadHead();
      return this.write(input);
    });
    this.tail = next;
    return next;
  }

  private async write(input: AuditEventInput): Promise<AuditEvent> {
    const head = this.head!;
    const base: Omit<AuditEvent, 'hash'> = { ...input, id: idOf(head.seq + 1), seq: head.seq + 1, time: new Date().toISOString(), prevHash: head.hash };
    const event: AuditEvent = { ...base, hash: hashEvent(base) };
    this.head = { seq: event.seq, hash: event.hash };
    // In-order stores take the event into their group commit (ids cannot collide: this process numbers
    // them); elsewhere insert refuses a second writer that numbered the same event.
    const written = this.store.writesInCallOrder ? this.events.put(event) : this.events.insert(event);
    this.tail = written;
    await written;
    return event;
  }

  private async loadHead(): Promise<{ seq: number; hash: string }> {
    const [last] = await this.events.find({}, { sort: { field: 'seq', direction: 'desc' }, limit: 1 });
    return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS };
  }

  async list(filter: { actorId?: string; action?: string; resourceId?: string; patientData?: boolean }, limit: number, offset: number, order: 'asc' | 'desc' = 'desc'): Promise<AuditEvent[]> {
    const where: Record<string, string | boolean> = {};
    if (filter.actorId) where['actor.id'] = filter.actorId;
    if (filter.action) where.action = filter.action;
    if (filter.resourceId) where['resource.id'] = filter.resourceId;
    if (filter.patientData !== undefined) where.patientData = filter.patientData;
    return this.events.find(where, { sort: { field: 'seq', direction: order }, limit, skip: offset });
  }

  /** Walks the whole chain in order, recomputing every hash. */
  async verify(): Promise<ChainVerification> {
    await this.tail.catch(() => {});
    let prevHash = GENESIS;
    let expectedSeq = 1;
    let checked = 0;
    for (let skip = 0; ; skip += PAGE) {
      const page = await this.events.find({}, { sort: { field: 'seq', direction: 'asc' }, limit: PAGE, skip });
      for (const event of page) {
        const { hash, ...rest } = event;
        if (event.seq !== expectedSeq) return { ok: false, checked, firstBroken: { seq: expectedSeq, reason: `event ${expectedSeq} is missing (next stored is ${event.seq})` } };
        if (event.id !== idOf(event.seq)) return { ok: false, checked, firstBroken: { seq: event.seq, reason: 'id does not match the sequence number' } };
        if (event.prevHash !== prevHash) return { ok: false, checked, firstBroken: { seq: event.seq, reason: 'link to the previous event is broken' } };
        if (hashEvent(rest) !== hash) return { ok: false, checked, firstBroken: { seq: event.seq, reason: 'event content does not match its hash (altered)' } };
        prevHash = hash;
        expectedSeq++;
        checked++;
      }
      if (page.length < PAGE) break;
    }
    const head = this.head ?? (await this.loadHead());
    if (head.seq !== checked) return { ok: false, checked, firstBroken: { seq: checked + 1, reason: `events after ${checked} are missing (last appended was ${head.seq})` } };
    return { ok: true, checked };
  }
}

const CSV_COLUMNS = ['seq', 'time', 'actor_id', 'actor_username', 'action', 'resource_type', 'resource_id', 'patient_data', 'outcome', 'client_address', 'details', 'prev_hash', 'hash'] as const;

function csvCell(value: unknown): string {
  const text = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // A leading =, +, - or @ would be a formula in a spreadsheet (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function auditCsvHeader(): string { return `${CSV_COLUMNS.join(',')}\r\n`; }

export function auditCsvRow(e: AuditEvent): string {
  return `${[e.seq, e.time, e.actor?.id, e.actor?.username, e.action, e.resource?.type, e.resource?.id, e.patientData, e.outcome, e.clientAddress, e.details, e.prevHash, e.hash].map(csvCell).join(',')}\r\n`;
}
