import { createHash, createHmac } from 'node:crypto';
import { sameSecret } from '../auth/same-secret.js';
import { everyDocument, type DocumentStore } from '../store/index.js';

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
  /** Small, non-patient facts: outcome codes, changed field names, counts. Never patient data. */
  details?: Record<string, unknown>;
  /**
   * Free text that may hold patient data (a re-identification reason, a name typed at sign-in): kept encrypted beside
   * the event, never in it. The event carries the field names and a keyed digest, so the text is chained too, and
   * auditors read it through an audited request (`GET /api/audit/:seq/sealed`).
   */
  sealed?: Record<string, string>;
}

export interface AuditEvent extends Omit<AuditEventInput, 'sealed'> {
  /** Zero-padded sequence number: ids sort in chain order. */
  id: string;
  seq: number;
  time: string;
  prevHash: string;
  hash: string;
  /** HMAC-SHA256 of the event (hash included) with the audit key, which the store never sees. */
  mac: string;
}

/** The last event as the server sealed it, rewritten on every append: removing events from the end shows. */
interface StoredHead { id: 'head'; seq: number; hash: string; mac: string }

/** A signed mark of the trail at one point, to print and keep elsewhere (paper, another system). */
export interface AuditCheckpoint { format: 'medflow-audit-checkpoint/1'; seq: number; hash: string; time: string; mac: string }

export interface ChainVerification {
  ok: boolean;
  checked: number;
  /** The first event whose hash, seal or link does not hold, or what is missing, and why. */
  firstBroken?: { seq: number; reason: string };
  /** Checkpoints the chain was checked against (stored ones and the one given). */
  checkpoints?: number;
}

/** What start-up found: a trail that holds, one taken over from before sealing, or one tampered with. */
export type AuditOpening = { state: 'empty' | 'ok' } | { state: 'sealed-existing'; events: number } | { state: 'broken'; reason: string; lastSeq: number; headSeq?: number };

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

export const hashEvent = (event: Omit<AuditEvent, 'hash' | 'mac'>): string => createHash('sha256').update(canonicalJson(event)).digest('hex');

/** HMACs with one key, a different label for each kind of thing sealed so that one can never stand for another. */
class AuditSeal {
  constructor(private readonly key: Buffer) {}
  private mac(label: string, text: string) { return createHmac('sha256', this.key).update(`medflow-audit/${label}\n${text}`).digest('hex'); }
  event(event: Omit<AuditEvent, 'mac'>) { return this.mac('event', canonicalJson(event)); }
  head(seq: number, hash: string) { return this.mac('head', `${seq}:${hash}`); }
  sealedText(eventId: string, fields: Record<string, string>) { return this.mac('sealed', `${eventId}\n${canonicalJson(fields)}`); }
  /** A stable pseudonym for a typed value: repeated attempts correlate, the value itself stays out. */
  pseudonym(value: string) { return this.mac('pseudonym', value).slice(0, 16); }
  checkpoint(c: Omit<AuditCheckpoint, 'mac'>) { return this.mac('checkpoint', canonicalJson(c)); }
  /** Constant-time comparison of a stored seal with the expected one. */
  holds(expected: string, actual: unknown) { return sameSecret(expected, actual); }
}

/**
 * The audit trail: append-only to the application (no update or delete here). Each event carries the hash of the one
 * before and an HMAC with a key kept outside the store, so editing, removing, reordering or re-hashing stored events
 * breaks the chain at that point and `verify` names it; the sealed head, rewritten on every append, shows events
 * removed from the end; signed checkpoints kept elsewhere show a trail rolled back as a whole (head included).
 * Appends are serialised in this process; one server writes the trail.
 */
export class AuditLog {
  private tail: Promise<unknown> = Promise.resolve();
  private head?: { seq: number; hash: string };
  private readonly seal: AuditSeal;
  private readonly checkpointEvery: number;

  constructor(private readonly store: DocumentStore, key: Buffer, options: { checkpointEvery?: number } = {}) {
    if (key.length < 32) throw new Error('the audit key must be 32 bytes');
    this.seal = new AuditSeal(key);
    this.checkpointEvery = options.checkpointEvery ?? 1000;
  }

  private get events() { return this.store.collection<AuditEvent>('audit_events'); }
  private get heads() { return this.store.collection<StoredHead>('audit_head'); }
  private get checkpoints() { return this.store.collection<AuditCheckpoint & { id: string }>('audit_checkpoints'); }
  private get sealedTexts() { return this.store.collection<{ id: string; text: Record<string, string> }>('audit_sealed'); }

  /** The pseudonym the trail uses for a typed value (for filtering repeated sign-in attempts with one name). */
  pseudonym(value: string): string { return this.seal.pseudonym(value); }

  /** The sealed free text of an event, and whether it is still what the event's digest names. */
  async sealedOf(seq: number): Promise<{ fields: Record<string, string>; holds: boolean } | undefined> {
    const id = idOf(seq);
    const [event, stored] = await Promise.all([this.events.get(id), this.sealedTexts.get(id)]);
    const digest = (event?.details as { sealed?: { digest?: string } } | undefined)?.sealed?.digest;
    if (!event || !stored || !digest) return undefined;
    return { fields: stored.text, holds: this.seal.holds(this.seal.sealedText(id, stored.text), digest) };
  }

  /**
   * Checks the sealed head against the stored trail at start-up. A trail from before sealing is sealed as it stands
   * (once its hash links hold). Anything else that does not match is recorded as an `audit.integrity` failure event:
   * appending goes on from the last stored event, and the finding stays in the trail.
   */
  async open(): Promise<AuditOpening> {
    const inspected = this.tail.catch(() => {}).then(() => this.inspect());
    this.tail = inspected;
    const opening = await inspected;
    if (opening.state === 'broken') {
      await this.append({ actor: null, action: 'audit.integrity', patientData: false, outcome: 'failure', details: { reason: opening.reason, lastSeq: opening.lastSeq, ...(opening.headSeq !== undefined ? { headSeq: opening.headSeq } : {}) } });
    }
    return opening;
  }

  private async inspect(): Promise<AuditOpening> {
    const last = await this.lastEvent();
    const head = await this.heads.get('head');
    this.head = last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS };
    if (!last) return head ? { state: 'broken', reason: 'the trail is empty but its sealed head names events', lastSeq: 0, headSeq: head.seq } : { state: 'empty' };
    if (!head) {
      if (last.mac !== undefined) return { state: 'broken', reason: 'the sealed head record is missing', lastSeq: last.seq };
      const links = await this.walk(false);
      if (!links.ok) return { state: 'broken', reason: `unsealed trail does not hold: ${links.firstBroken!.reason} at ${links.firstBroken!.seq}`, lastSeq: last.seq };
      return { state: 'sealed-existing', events: await this.sealExisting() };
    }
    const problem = await this.headProblem(head, last);
    return problem ? { state: 'broken', reason: problem, lastSeq: last.seq, headSeq: head.seq } : { state: 'ok' };
  }

  /** Seals events written before sealing existed (their hash links checked first). */
  private async sealExisting(): Promise<number> {
    let sealed = 0;
    for await (const event of everyDocument(this.events)) {
      if (event.mac !== undefined) continue;
      const { mac: _m, ...rest } = event;
      await this.events.put({ ...rest, mac: this.seal.event(rest) });
      sealed++;
    }
    const head = this.head!;
    await this.heads.put({ id: 'head', seq: head.seq, hash: head.hash, mac: this.seal.head(head.seq, head.hash) });
    return sealed;
  }

  private async headProblem(head: StoredHead, last: AuditEvent): Promise<string | undefined> {
    if (!this.seal.holds(this.seal.head(head.seq, head.hash), head.mac)) return 'the head record\'s seal does not match (altered)';
    if (head.seq > last.seq) return `events ${last.seq + 1}–${head.seq} were removed from the end (the sealed head names ${head.seq})`;
    const atHead = await this.events.get(idOf(head.seq));
    // Behind by the events of an interrupted append is fine: those events carry valid seals of their own.
    if (!atHead || atHead.hash !== head.hash) return `event ${head.seq} is not the one the sealed head names`;
    return undefined;
  }

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
    const { sealed, ...plain } = input;
    const id = idOf(head.seq + 1);
    const details = sealed ? { ...plain.details, sealed: { fields: Object.keys(sealed), digest: this.seal.sealedText(id, sealed) } } : plain.details;
    const base: Omit<AuditEvent, 'hash' | 'mac'> = { ...plain, ...(details ? { details } : {}), id, seq: head.seq + 1, time: new Date().toISOString(), prevHash: head.hash };
    const hashed = { ...base, hash: hashEvent(base) };
    const event: AuditEvent = { ...hashed, mac: this.seal.event(hashed) };
    this.head = { seq: event.seq, hash: event.hash };
    // In-order stores take the event and the head into their group commit (ids cannot collide: this process numbers
    // them); elsewhere insert refuses a second writer that numbered the same event.
    const inOrder = this.store.writesInCallOrder;
    // The text first: an event never names sealed text that was not stored.
    const textWritten = sealed ? this.sealedTexts.put({ id, text: sealed }) : undefined;
    const written = inOrder ? this.events.put(event) : Promise.resolve(textWritten).then(() => this.events.insert(event));
    const headWritten = inOrder ? this.heads.put(this.headRecord(event)) : written.then(() => this.heads.put(this.headRecord(event)));
    const checkpoint = event.seq % this.checkpointEvery === 0 ? this.checkpoints.put({ id: event.id, ...this.sign(event) }) : undefined;
    const all = Promise.all([textWritten, written, headWritten, checkpoint]);
    this.tail = all;
    await all;
    return event;
  }

  private headRecord(event: AuditEvent): StoredHead {
    return { id: 'head', seq: event.seq, hash: event.hash, mac: this.seal.head(event.seq, event.hash) };
  }

  private sign(event: { seq: number; hash: string }): AuditCheckpoint {
    const body = { format: 'medflow-audit-checkpoint/1' as const, seq: event.seq, hash: event.hash, time: new Date().toISOString() };
    return { ...body, mac: this.seal.checkpoint(body) };
  }

  /** A signed checkpoint at the newest event, stored too; print it and keep it apart from the server. */
  async checkpoint(): Promise<AuditCheckpoint> {
    await this.tail.catch(() => {});
    const head = this.head ?? (await this.loadHead());
    const checkpoint = this.sign(head);
    if (head.seq > 0) await this.checkpoints.put({ id: idOf(head.seq), ...checkpoint });
    return checkpoint;
  }

  /** True when the checkpoint was signed with this trail's key. */
  checkpointHolds(checkpoint: AuditCheckpoint): boolean {
    const { mac, ...body } = checkpoint;
    return this.seal.holds(this.seal.checkpoint(body), mac);
  }

  private async lastEvent(): Promise<AuditEvent | undefined> {
    const [last] = await this.events.find({}, { sort: { field: 'seq', direction: 'desc' }, limit: 1 });
    return last;
  }

  private async loadHead(): Promise<{ seq: number; hash: string }> {
    const last = await this.lastEvent();
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

  /**
   * Walks the whole chain in order, recomputing every hash and seal, then checks the sealed head and every stored
   * checkpoint against it, and the given checkpoint (one kept elsewhere) if any.
   */
  async verify(options: { checkpoint?: AuditCheckpoint } = {}): Promise<ChainVerification> {
    await this.tail.catch(() => {});
    const { last, ...walked } = await this.walk(true);
    if (!walked.ok) return walked;
    const { checked } = walked;
    const head = await this.heads.get('head');
    if (checked > 0 && !head) return { ok: false, checked, firstBroken: { seq: checked, reason: 'the sealed head record is missing' } };
    if (head) {
      const problem = last ? await this.headProblem(head, last) : `events 1–${head.seq} were removed (the sealed head names ${head.seq})`;
      if (problem) return { ok: false, checked, firstBroken: { seq: Math.min(head.seq, checked + 1), reason: problem } };
    }
    const stored = (await this.checkpoints.find({}, { limit: 100_000 })).map(({ id: _id, ...mark }) => mark);
    const marks = [...stored, ...(options.checkpoint ? [options.checkpoint] : [])];
    for (const mark of marks) {
      if (!this.checkpointHolds(mark)) return { ok: false, checked, firstBroken: { seq: mark.seq, reason: `checkpoint at ${mark.seq} is not signed with this trail's key` } };
      if (mark.seq > checked) return { ok: false, checked, firstBroken: { seq: checked + 1, reason: `events after ${checked} are missing (a checkpoint of ${mark.time.slice(0, 10)} names event ${mark.seq})` } };
      const event = await this.events.get(idOf(mark.seq));
      if (event?.hash !== mark.hash) return { ok: false, checked, firstBroken: { seq: mark.seq, reason: `event ${mark.seq} is not the one the checkpoint of ${mark.time.slice(0, 10)} names (the trail was rewritten)` } };
    }
    return { ok: true, checked, checkpoints: marks.length };
  }

  /** Sequence, ids, links and hashes; with `sealed`, every event's seal too. Also hands back the last event it read. */
  private async walk(sealed: boolean): Promise<ChainVerification & { last?: AuditEvent }> {
    let prevHash = GENESIS;
    let expectedSeq = 1;
    let checked = 0;
    let last: AuditEvent | undefined;
    for (let skip = 0; ; skip += PAGE) {
      const page = await this.events.find({}, { sort: { field: 'seq', direction: 'asc' }, limit: PAGE, skip });
      for (const event of page) {
        const { hash, mac, ...rest } = event;
        if (event.seq !== expectedSeq) return { ok: false, checked, firstBroken: { seq: expectedSeq, reason: `event ${expectedSeq} is missing (next stored is ${event.seq})` } };
        if (event.id !== idOf(event.seq)) return { ok: false, checked, firstBroken: { seq: event.seq, reason: 'id does not match the sequence number' } };
        if (event.prevHash !== prevHash) return { ok: false, checked, firstBroken: { seq: event.seq, reason: 'link to the previous event is broken' } };
        if (hashEvent(rest) !== hash) return { ok: false, checked, firstBroken: { seq: event.seq, reason: 'event content does not match its hash (altered)' } };
        if (sealed && !this.seal.holds(this.seal.event({ ...rest, hash }), mac)) {
          return { ok: false, checked, firstBroken: { seq: event.seq, reason: mac === undefined ? 'event is not sealed (written outside the application)' : 'event seal does not match (altered and re-hashed)' } };
        }
        prevHash = hash;
        expectedSeq++;
        checked++;
        last = event;
      }
      if (page.length < PAGE) break;
    }
    return { ok: true, checked, ...(last ? { last } : {}) };
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
