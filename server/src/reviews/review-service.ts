import { ErrorCodes, MedflowError, type RunEvent } from '@medflow/sdk';
import { draftFields, type ReviewDecision, type ReviewField } from '@medflow/nodes-builtin';
import type { AuthContext, WorkflowAccess } from '../auth/access.js';
import { forbidden, refusal } from '../auth/auth-errors.js';
import type { AuditLog } from '../compliance/audit-log.js';
import type { Engine } from '../engine/index.js';
import type { Logger } from '../logger.js';
import type { RunService } from '../runs/run-service.js';
import type { DocumentStore } from '../store/index.js';
import { mayDecideReview, mayViewReview } from './review-access.js';
import { reviewId, type ReviewRecord, type ReviewStatus } from './review-record.js';

export type DecisionInput =
  | { decision: 'approved'; values?: Record<string, unknown> | undefined; comment?: string | undefined }
  | { decision: 'rejected'; reason: string }
  | { decision: 'returned'; comment: string; values?: Record<string, unknown> | undefined };

export interface ReviewFilter { status?: ReviewStatus; workflowId?: string; overdue?: boolean; olderThanHours?: number }

const notFound = (id: string) => refusal(ErrorCodes.NOT_FOUND, `review "${id}" not found`, { id });
const isEmpty = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Reviews: created when a review gate suspends a run, decided once by a permitted physician, and the
 * decision resumes the run at the gate. Everything is recoverable from the store after a restart: a
 * review missing for a waiting gate is created, a decision whose run did not resume yet is replayed.
 */
export class ReviewService {
  constructor(
    private readonly store: DocumentStore,
    private readonly runs: RunService,
    private readonly audit: AuditLog,
    private readonly logger: Logger,
    /** The caller's access to a workflow (none when it is not shared with them or is gone). */
    private readonly accessOf: (auth: AuthContext, workflowId: string | undefined) => Promise<WorkflowAccess>,
  ) {}

  private get reviews() { return this.store.collection<ReviewRecord>('reviews'); }
  /** Reviews being created from events: readers wait for them, so a run seen waiting has its review. */
  private readonly creating = new Set<Promise<unknown>>();

  private track(work: Promise<unknown>): void {
    this.creating.add(work);
    void work.finally(() => this.creating.delete(work));
  }

  private async settled(): Promise<void> {
    await Promise.allSettled([...this.creating]);
  }

  /** Keeps reviews in step with runs: a gate that starts waiting gets its review; a cancelled run closes its reviews. */
  attach(engine: Engine): void {
    engine.on((event: RunEvent) => {
      if (event.type === 'node.waiting' && event.data?.reason === 'review' && event.nodeId) {
        this.track(this.ensure(event.runId, event.nodeId).catch((error: Error) => this.logger.error('review could not be created', { runId: event.runId, nodeId: event.nodeId, error: error.message })));
      } else if (event.type === 'run.cancelled' || event.type === 'run.failed') {
        this.track(this.closeOpen(event.runId).catch((error: Error) => this.logger.error('reviews could not be closed', { runId: event.runId, error: error.message })));
      }
    });
  }

  /** The review for a waiting gate, created from the gate's stored request if it does not exist yet. */
  async ensure(runId: string, nodeId: string): Promise<{ review: ReviewRecord; created: boolean } | undefined> {
    const id = reviewId(runId, nodeId);
    const existing = await this.reviews.get(id);
    if (existing) return { review: existing, created: false };
    const { run, nodes } = await this.runs.get(runId);
    const node = nodes.find((n) => n.nodeId === nodeId);
    if (!node || node.status !== 'waiting' || node.suspend?.reason !== 'review') return undefined;
    const p = (node.suspend.payload ?? {}) as Record<string, any>;
    const record: ReviewRecord = {
      id, runId, nodeId, workflowName: run.workflowName, status: 'pending',
      ...(run.workflowId ? { workflowId: run.workflowId } : {}), ...(run.workflowVersion !== undefined ? { workflowVersion: run.workflowVersion } : {}),
      ...(run.startedBy ? { startedBy: run.startedBy } : {}),
      title: String(p.title ?? ''), instructions: String(p.instructions ?? ''),
      reviewers: { roles: p.reviewers?.roles ?? ['reviewer'], users: p.reviewers?.users ?? [] },
      escalation: { onDeadline: p.escalation?.onDeadline === 'fail' ? 'fail' : 'escalate', roles: p.escalation?.roles ?? ['admin'] },
      createdAt: node.finishedAt ?? new Date().toISOString(),
      ...(node.suspend.deadline ? { deadline: node.suspend.deadline } : {}),
      draft: { fields: (p.fields as ReviewField[] | undefined) ?? draftFields(p.draft, []), raw: p.draft ?? null },
      sources: p.sources ?? [],
    };
    try {
      await this.reviews.insert(record);
      return { review: record, created: true };
    } catch (error) {
      // Created meanwhile (the event and the start-up reconciliation raced): the first one stands.
      if ((error as MedflowError).code !== ErrorCodes.CONFLICT) throw error;
      return { review: (await this.reviews.get(id))!, created: false };
    }
  }

  /** At start-up: reviews for every waiting gate, and runs resumed whose decision was recorded before a crash. */
  async reconcile(): Promise<{ created: number; resumed: number }> {
    let created = 0, resumed = 0;
    for (const run of await this.runs.list({ status: 'waiting_review' }, 10_000, 0)) {
      const { nodes } = await this.runs.get(run.id);
      for (const node of nodes.filter((n) => n.status === 'waiting' && n.suspend?.reason === 'review')) {
        const found = await this.ensure(run.id, node.nodeId);
        if (!found) continue;
        if (found.created) created += 1;
        if (found.review.status !== 'pending' && found.review.status !== 'cancelled') { await this.resumeRun(found.review); resumed += 1; }
      }
    }
    return { created, resumed };
  }

  /** Whether this user may decide (review-access.ts has the rule: named by the gate, and shared unless named by user). */
  async mayDecide(auth: AuthContext, review: ReviewRecord): Promise<boolean> {
    return mayDecideReview(auth, review, await this.accessOf(auth, review.workflowId));
  }

  /** Who may open a review: its deciders, whoever started the run, and administrators. */
  async mayView(auth: AuthContext, review: ReviewRecord): Promise<boolean> {
    return mayViewReview(auth, review, await this.accessOf(auth, review.workflowId));
  }

  /** Whether this user may see a run's result because they may decide (or decided) one of its reviews. */
  async mayViewRunAsReviewer(auth: AuthContext, runId: string): Promise<boolean> {
    await this.settled();
    for (const review of await this.reviews.find({ runId })) if (await this.mayDecide(auth, review)) return true;
    return false;
  }

  async get(id: string): Promise<ReviewRecord> {
    await this.settled();
    const review = await this.reviews.get(id);
    if (!review) throw notFound(id);
    return review;
  }

  /** Reviews this user may see, most urgent first: overdue, then by deadline, then oldest. */
  async list(auth: AuthContext, filter: ReviewFilter, now = Date.now()): Promise<ReviewRecord[]> {
    await this.settled();
    const where: Record<string, string> = { status: filter.status ?? 'pending' };
    if (filter.workflowId) where.workflowId = filter.workflowId;
    const all = await this.reviews.find(where, { sort: { field: 'createdAt', direction: 'asc' }, limit: 5000 });
    const access = new Map<string, Promise<WorkflowAccess>>();
    const accessOf = (workflowId: string | undefined) => { const k = workflowId ?? ''; let a = access.get(k); if (!a) access.set(k, (a = this.accessOf(auth, workflowId))); return a; };
    const visible = await Promise.all(all.map(async (r) => mayViewReview(auth, r, await accessOf(r.workflowId))));
    return all
      .filter((_r, i) => visible[i])
      .filter((r) => !filter.overdue || (!!r.deadline && Date.parse(r.deadline) < now))
      .filter((r) => filter.olderThanHours === undefined || now - Date.parse(r.createdAt) >= filter.olderThanHours * 3_600_000)
      .sort((a, b) => (a.deadline ? Date.parse(a.deadline) : Infinity) - (b.deadline ? Date.parse(b.deadline) : Infinity) || a.createdAt.localeCompare(b.createdAt));
  }

  /**
   * Records a decision once and resumes the run. A second submission of the same decision by the same
   * reviewer (a double click, a retry) answers with the recorded one; anything else after the first
   * decision is a conflict. Concurrent submissions race on a compare-and-set: exactly one wins.
   */
  async decide(auth: AuthContext, id: string, input: DecisionInput, clientAddress: string): Promise<{ review: ReviewRecord; replayed: boolean }> {
    const review = await this.get(id);
    const actor = { id: auth.user.id, username: auth.user.username };
    // Someone who may not even open the review learns nothing about it: "not found", as for reading it.
    if (!(await this.mayView(auth, review))) {
      await this.audit.append({ actor, action: 'review.decide', resource: { type: 'review', id }, patientData: true, outcome: 'denied', clientAddress, details: { runId: review.runId } });
      throw notFound(id);
    }
    if (!(await this.mayDecide(auth, review))) {
      await this.audit.append({ actor, action: 'review.decide', resource: { type: 'review', id }, patientData: true, outcome: 'denied', clientAddress, details: { runId: review.runId } });
      throw forbidden('you are not among the reviewers this review gate names / この確認を行う権限がありません', { reviewers: review.reviewers });
    }
    if (review.status !== 'pending') return { review: this.replayOrConflict(review, auth, input), replayed: true };

    const fields = review.draft.fields;
    const values = this.finalValues(fields, input);
    const edits = fields.filter((f) => !same(f.value, values[f.key])).map((f) => ({ key: f.key, before: f.value ?? null, after: values[f.key] ?? null }));
    const decidedAt = new Date().toISOString();
    const decided: ReviewRecord = {
      ...review, status: input.decision,
      decision: { decision: input.decision, reviewer: { ...actor, displayName: auth.user.displayName }, decidedAt },
      result: {
        ...(input.decision !== 'rejected' ? { values } : {}),
        ...(input.decision === 'rejected' ? { reason: input.reason } : {}),
        ...('comment' in input && input.comment ? { comment: input.comment } : {}),
      },
      edits,
    };
    if (!(await this.reviews.replaceIf(id, { status: 'pending' }, decided))) {
      return { review: this.replayOrConflict(await this.get(id), auth, input), replayed: true };
    }
    await this.audit.append({
      actor, action: 'review.decide', resource: { type: 'review', id }, patientData: true, outcome: 'success', clientAddress,
      details: { decision: input.decision, runId: review.runId, nodeId: review.nodeId, editedFields: edits.map((e) => e.key) },
    });
    await this.resumeRun(decided);
    return { review: decided, replayed: false };
  }

  private replayOrConflict(review: ReviewRecord, auth: AuthContext, input: DecisionInput): ReviewRecord {
    if (review.decision?.reviewer?.id === auth.user.id && review.decision.decision === input.decision) return review;
    const by = review.decision?.reviewer ? `${review.decision.reviewer.displayName} (${review.decision.reviewer.username})` : 'the deadline';
    throw refusal('REVIEW_ALREADY_DECIDED', `this review was already ${review.status} by ${by} at ${review.decision?.decidedAt ?? '?'} / この確認は既に処理されています`, {
      status: review.status, decidedBy: review.decision?.reviewer?.username ?? null, decidedAt: review.decision?.decidedAt ?? null,
    });
  }

  /** The draft's values with the reviewer's edits; only the gate's fields may be set, required ones must be filled on approval. */
  private finalValues(fields: ReviewField[], input: DecisionInput): Record<string, unknown> {
    const given = input.decision === 'rejected' ? {} : input.values ?? {};
    const keys = new Set(fields.map((f) => f.key));
    const unknown = Object.keys(given).filter((k) => !keys.has(k));
    if (unknown.length) throw refusal(ErrorCodes.VALIDATION_FAILED, `not a field of this review: ${unknown.join(', ')}`, { problems: unknown.map((k) => ({ path: `body.values.${k}`, message: 'not a field of this review / この確認の項目ではありません' })) });
    const values = Object.fromEntries(fields.map((f) => [f.key, Object.hasOwn(given, f.key) ? given[f.key] : f.value ?? null]));
    if (input.decision === 'approved') {
      const missing = fields.filter((f) => f.required && isEmpty(values[f.key]));
      if (missing.length) throw refusal(ErrorCodes.VALIDATION_FAILED, `required fields are empty: ${missing.map((f) => f.label).join(', ')} / 必須項目が空です`, { problems: missing.map((f) => ({ path: `body.values.${f.key}`, message: `${f.label} is required / ${f.label}は必須です` })) });
    }
    return values;
  }

  /** Continues the run with the recorded decision; the gate node turns it into its output. */
  private async resumeRun(review: ReviewRecord): Promise<void> {
    const d = review.decision!;
    const data: ReviewDecision = {
      reviewId: review.id, decision: d.decision, decidedAt: d.decidedAt, edits: review.edits ?? [],
      ...(d.reviewer ? { reviewer: d.reviewer } : {}),
      ...(review.result?.values ? { values: review.result.values } : {}),
      ...(review.result?.reason ? { reason: review.result.reason } : {}),
      ...(review.result?.comment ? { comment: review.result.comment } : {}),
    };
    try {
      await this.runs.resumeNode(review.runId, review.nodeId, data);
    } catch (error) {
      // Already resumed (a replay after a crash raced the first resume): nothing to do.
      if ((error as MedflowError).code === ErrorCodes.CONFLICT) return;
      throw error;
    }
  }

  /** Closes the pending reviews of a run that ended without them (cancelled, failed elsewhere). */
  private async closeOpen(runId: string): Promise<void> {
    for (const review of await this.reviews.find({ runId, status: 'pending' })) {
      await this.reviews.replaceIf(review.id, { status: 'pending' }, { ...review, status: 'cancelled' });
    }
  }

  /**
   * Deadlines: a pending review past its deadline is escalated (the escalation roles may then decide,
   * and the inbox marks it overdue) or, when the gate says so, expires and fails the run.
   */
  async sweepDeadlines(now = Date.now()): Promise<{ escalated: number; expired: number }> {
    let escalated = 0, expired = 0;
    for (const review of await this.reviews.find({ status: 'pending' }, { limit: 10_000 })) {
      if (!review.deadline || Date.parse(review.deadline) > now) continue;
      const at = new Date(now).toISOString();
      const system = { username: 'system' };
      if (review.escalation.onDeadline === 'fail') {
        const done: ReviewRecord = { ...review, status: 'expired', decision: { decision: 'expired', decidedAt: at } };
        if (!(await this.reviews.replaceIf(review.id, { status: 'pending' }, done))) continue;
        await this.audit.append({ actor: system, action: 'review.expire', resource: { type: 'review', id: review.id }, patientData: false, outcome: 'success', clientAddress: '', details: { runId: review.runId, deadline: review.deadline } });
        await this.resumeRun(done);
        expired += 1;
      } else if (!review.escalatedAt) {
        if (!(await this.reviews.replaceIf(review.id, { status: 'pending' }, { ...review, escalatedAt: at }))) continue;
        await this.audit.append({ actor: system, action: 'review.escalate', resource: { type: 'review', id: review.id }, patientData: false, outcome: 'success', clientAddress: '', details: { runId: review.runId, deadline: review.deadline, to: review.escalation.roles } });
        this.logger.warn('review overdue: escalated', { reviewId: review.id, runId: review.runId, to: review.escalation.roles });
        escalated += 1;
      }
    }
    return { escalated, expired };
  }
}
