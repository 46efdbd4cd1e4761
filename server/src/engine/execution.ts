import {
  ErrorCodes, MedflowError, SuspendSignal, toErrorInfo,
  type ErrorInfo, type Incoming, type NodeContext, type NodeLogger, type NodeRunRecord, type NodeServices,
  type ResumeInfo, type RunEvent, type RunEventType, type RunRecord, type RunStatus,
} from '@medflow/sdk';
import { backoffDelay, raceAbort, sleep } from './attempt.js';
import type { RunJournal } from './journal.js';
import type { ExecutionPlan, PlannedNode } from './plan.js';
import type { ResourcePools } from './pools.js';

export interface ExecutionDeps {
  journal: RunJournal;
  pools: ResourcePools;
  services: (runId: string, nodeId: string) => NodeServices;
  emit: (event: RunEvent) => void;
  /** A node interrupted by more server crashes than this fails instead of running again. */
  maxInterruptions: number;
  /** Characters of output one node and one run may produce (strings and keys counted): what is stored stays bounded. */
  maxNodeOutputChars: number;
  maxRunOutputChars: number;
}

type Readiness =
  | { kind: 'wait' }
  | { kind: 'skip'; reason: string }
  | { kind: 'ready'; inputs: Record<string, unknown> };

const LOGS_PER_NODE = 200;
const PROGRESS_INTERVAL_MS = 100;
const now = () => new Date().toISOString();

/**
 * Executes one run of a plan: starts every node whose inputs are settled, skips nodes whose required
 * inputs can no longer arrive, checkpoints each node through the journal before anything downstream
 * starts, and settles the run as completed, failed, cancelled or waiting for a person.
 */
export class RunExecution {
  readonly done: Promise<RunRecord>;
  private resolveDone!: (run: RunRecord) => void;
  private readonly records = new Map<string, NodeRunRecord>();
  private readonly controller = new AbortController();
  private readonly running = new Set<string>();
  /** Output characters the run's nodes have produced so far (bounded by maxRunOutputChars). */
  private outputChars = 0;
  private readonly dirty = new Set<string>();
  private readonly pendingWrites = new Set<Promise<void>>();
  private readonly logCounts = new Map<string, number>();
  private readonly lastProgress = new Map<string, number>();
  private draining = false;
  private finished = false;
  private cancelled = false;
  private failure: ErrorInfo | undefined;
  private seq: number;

  constructor(
    readonly run: RunRecord,
    private readonly plan: ExecutionPlan,
    private readonly deps: ExecutionDeps,
    restored?: { nodes: NodeRunRecord[]; lastSeq: number },
  ) {
    this.done = new Promise((resolve) => { this.resolveDone = resolve; });
    this.seq = restored?.lastSeq ?? 0;
    for (const id of plan.order) this.records.set(id, { runId: run.id, nodeId: id, status: 'pending', attempts: 0 });
    for (const node of restored?.nodes ?? []) if (this.records.has(node.nodeId)) this.records.set(node.nodeId, { ...node });
  }

  /** Starts a new run; resolves once it is recorded and its first nodes are scheduled. */
  async start(): Promise<void> {
    this.run.status = 'running';
    this.run.startedAt = now();
    await this.deps.journal.saveRun(this.run);
    this.emit('run.started', undefined, { workflowName: this.run.workflowName, inputs: Object.keys(this.run.inputs) });
    this.schedule(this.plan.order);
  }

  /**
   * Continues a stored run after a restart or a review decision. Nodes that were running when the
   * server died are run again (they never checkpointed); completed ones are not.
   */
  async resume(resumeNode?: { nodeId: string; data: unknown }): Promise<void> {
    if (resumeNode) {
      this.markResumed(resumeNode.nodeId, resumeNode.data);
      // The decision is on disk before anything runs: a crash now resumes with it instead of asking again.
      await this.deps.journal.saveNode(this.records.get(resumeNode.nodeId)!);
    }
    for (const rec of this.records.values()) {
      if (rec.status !== 'running') continue;
      rec.interruptions = (rec.interruptions ?? 0) + 1;
      if (rec.interruptions > this.deps.maxInterruptions) {
        rec.status = 'failed';
        rec.error = { code: 'NODE_INTERRUPTED', category: 'SYSTEM', message: `node was interrupted by ${rec.interruptions} server restarts; not retried again`, details: { interruptions: rec.interruptions } };
        this.failure = { ...rec.error, details: { ...rec.error.details, nodeId: rec.nodeId } };
      } else {
        rec.status = 'pending';
      }
      await this.deps.journal.saveNode(rec);
    }
    this.run.status = 'running';
    delete this.run.finishedAt;
    await this.deps.journal.saveRun(this.run);
    this.emit('run.resumed', resumeNode?.nodeId, resumeNode ? { decisionFor: resumeNode.nodeId } : { afterRestart: true });
    this.schedule(this.plan.order);
  }

  /** Resumes a waiting node while other branches of this run are still executing. */
  async resumeWaiting(nodeId: string, data: unknown): Promise<void> {
    this.markResumed(nodeId, data);
    await this.deps.journal.saveNode(this.records.get(nodeId)!);
    this.schedule([nodeId]);
  }

  cancel(reason = 'cancelled by user'): void {
    if (this.finished || this.cancelled) return;
    this.cancelled = true;
    this.controller.abort(new MedflowError({ code: ErrorCodes.RUN_CANCELLED, category: 'USER', message: reason }));
    this.maybeFinish();
  }

  /** Ends a stored run that is waiting for review without running anything. */
  async cancelWaiting(reason: string): Promise<RunRecord> {
    this.cancelled = true;
    for (const rec of this.records.values()) {
      if (rec.status !== 'waiting') continue;
      rec.status = 'cancelled';
      rec.finishedAt = now();
      await this.deps.journal.saveNode(rec);
      this.emit('node.cancelled', rec.nodeId, { reason });
    }
    void this.settle();
    return this.done;
  }

  nodeRecords(): NodeRunRecord[] {
    return [...this.records.values()];
  }

  private markResumed(nodeId: string, data: unknown): void {
    const rec = this.records.get(nodeId);
    if (!rec || rec.status !== 'waiting' || !rec.suspend) {
      throw new MedflowError({ code: ErrorCodes.CONFLICT, category: 'USER', message: `node "${nodeId}" is not waiting for a decision`, details: { nodeId, status: rec?.status ?? 'unknown' } });
    }
    rec.resume = { data, at: now(), request: rec.suspend };
    rec.status = 'pending';
  }

  private schedule(ids: Iterable<string>): void {
    for (const id of ids) this.dirty.add(id);
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.dirty.size > 0) {
        const id: string = this.dirty.values().next().value!;
        this.dirty.delete(id);
        if (this.stopping) continue;
        const rec = this.records.get(id)!;
        if (rec.status !== 'pending') continue;
        const planned = this.plan.nodes.get(id)!;
        const readiness = this.readiness(planned);
        if (readiness.kind === 'wait') continue;
        if (readiness.kind === 'skip') {
          rec.status = 'skipped';
          rec.skipReason = readiness.reason;
          rec.finishedAt = now();
          await this.deps.journal.saveNode(rec);
          this.emit('node.skipped', id, { reason: readiness.reason });
          for (const edge of planned.outgoing) this.dirty.add(edge.to.node);
          continue;
        }
        this.running.add(id);
        void this.runNode(planned, rec, readiness.inputs);
      }
    } catch (error) {
      this.recordFailure(toErrorInfo(error, 'JOURNAL_WRITE_FAILED'));
    } finally {
      this.draining = false;
      this.maybeFinish();
    }
  }

  private get stopping(): boolean {
    return this.cancelled || this.failure !== undefined;
  }

  /**
   * A node is skipped when a required input can no longer receive a value, or when it is connected
   * but nothing at all reached it (a template hanging only off an untaken branch). An optional input
   * whose branch was not taken is simply undefined when other inputs did arrive.
   */
  private readiness(planned: PlannedNode): Readiness {
    const inputs: Record<string, unknown> = {};
    let connected = 0;
    let received = 0;
    for (const [name, spec] of Object.entries(planned.inputs)) {
      const edges = planned.incoming.get(name);
      if (!edges) {
        inputs[name] = spec.multiple ? [] : undefined;
        continue;
      }
      const live: Incoming[] = [];
      for (const edge of edges) {
        const source = this.records.get(edge.from.node)!;
        if (source.status === 'pending' || source.status === 'running' || source.status === 'waiting') return { kind: 'wait' };
        const value = source.status === 'completed' ? source.outputs?.[edge.from.port] : undefined;
        if (value !== undefined) live.push({ from: edge.from, value });
      }
      if (live.length === 0 && !spec.optional) {
        return { kind: 'skip', reason: `no value reached input "${name}" (upstream branch not taken)` };
      }
      connected += 1;
      if (live.length > 0) received += 1;
      inputs[name] = spec.multiple ? live : live[0]?.value;
    }
    if (connected > 0 && received === 0) return { kind: 'skip', reason: 'no value reached any input (upstream branch not taken)' };
    return { kind: 'ready', inputs };
  }

  private async runNode(planned: PlannedNode, rec: NodeRunRecord, inputs: Record<string, unknown>): Promise<void> {
    const id = planned.node.id;
    const started = Date.now();
    let startedWrite: Promise<void> = Promise.resolve();
    let unawaited = false;
    try {
      rec.status = 'running';
      rec.inputs = inputs;
      rec.startedAt = new Date(started).toISOString();
      rec.attempts += 1;
      delete rec.error; delete rec.outputs; delete rec.finishedAt; delete rec.durationMs; delete rec.skipReason;
      // A replay-safe node (pure, nothing outside the run) is checkpointed once, when it ends, and nothing waits for
      // that write where the journal keeps call order: after a crash it simply runs again. Other nodes write a
      // "running" record (it counts attempts and interruptions) awaited with the completion record below, so a fast
      // node costs one commit, not two, and a completed one is never run again.
      unawaited = planned.def.replaySafe === true && this.deps.journal.writesInCallOrder === true;
      if (!unawaited) {
        startedWrite = this.deps.journal.saveNode(rec);
        startedWrite.catch(() => {});
      }
      this.emit('node.started', id, { attempt: rec.attempts, type: planned.def.type });

      let release: (() => void) | undefined;
      if (planned.limits.pool) {
        this.emit('node.progress', id, { fraction: null, note: `waiting for ${planned.limits.pool}` });
        release = await this.deps.pools.acquire(planned.limits.pool, this.controller.signal);
      }
      let outputs: Record<string, unknown>;
      try {
        outputs = checkOutputs(planned, await this.attemptWithRetries(planned, rec, inputs));
      } finally {
        release?.();
      }
      this.countOutput(id, outputs);
      rec.status = 'completed';
      rec.outputs = outputs;
      rec.finishedAt = now();
      rec.durationMs = Date.now() - started;
      if (unawaited) this.inBackground(this.deps.journal.saveNode(rec));
      else await Promise.all([startedWrite, this.deps.journal.saveNode(rec)]);
      if (planned.def.role === 'output' && planned.def.runOutputName) this.run.outputs[planned.def.runOutputName(planned.config)] = outputs.value;
      this.emit('node.completed', id, { durationMs: rec.durationMs, outputs: Object.keys(outputs) });
    } catch (error) {
      await this.settleNodeError(rec, error, started, startedWrite);
    } finally {
      this.running.delete(id);
      this.schedule(planned.outgoing.map((e) => e.to.node));
    }
  }

  /**
   * Refuses an output too large to store (a code node returning 7 million characters became ~80 MB on disk): the
   * node fails with the limit named, and the run's total is bounded too.
   */
  private countOutput(nodeId: string, outputs: Record<string, unknown>): void {
    const { maxNodeOutputChars, maxRunOutputChars } = this.deps;
    const size = sizeUpTo(outputs, Math.max(maxNodeOutputChars, maxRunOutputChars - this.outputChars));
    const tooLarge = (code: string, limit: number, what: string) => new MedflowError({
      code, category: 'USER', retryable: false,
      message: `${nodeId}: ${what} more than ${limit.toLocaleString('en')} characters of output / 出力が大きすぎます（上限 ${limit.toLocaleString('ja')} 文字）`,
      details: { nodeId, limit },
    });
    if (size > maxNodeOutputChars) throw tooLarge('NODE_OUTPUT_TOO_LARGE', maxNodeOutputChars, 'the node produced');
    if (this.outputChars + size > maxRunOutputChars) throw tooLarge('RUN_OUTPUT_TOO_LARGE', maxRunOutputChars, 'the run\'s nodes produced together');
    this.outputChars += size;
  }

  private async settleNodeError(rec: NodeRunRecord, error: unknown, started: number, startedWrite: Promise<void>): Promise<void> {
    rec.finishedAt = now();
    rec.durationMs = Date.now() - started;
    if (error instanceof SuspendSignal) {
      rec.status = 'waiting';
      rec.suspend = error.request;
      delete rec.resume;
    } else if (this.controller.signal.aborted) {
      rec.status = 'cancelled';
    } else {
      rec.status = 'failed';
      rec.error = toErrorInfo(error);
    }
    try {
      await Promise.all([startedWrite, this.deps.journal.saveNode(rec)]);
    } catch (writeError) {
      this.recordFailure(toErrorInfo(writeError, 'JOURNAL_WRITE_FAILED'));
    }
    if (rec.status === 'waiting') this.emit('node.waiting', rec.nodeId, { reason: rec.suspend!.reason });
    else if (rec.status === 'cancelled') this.emit('node.cancelled', rec.nodeId);
    else {
      this.emit('node.failed', rec.nodeId, { error: rec.error });
      this.recordFailure({ ...rec.error!, details: { ...rec.error!.details, nodeId: rec.nodeId } });
    }
  }

  private async attemptWithRetries(planned: PlannedNode, rec: NodeRunRecord, inputs: Record<string, unknown>): Promise<unknown> {
    const runSignal = this.controller.signal;
    for (let retry = 0; ; retry++) {
      if (retry > 0) {
        const delayMs = backoffDelay(planned.limits.retryBackoffMs, retry);
        rec.attempts += 1;
        await sleep(delayMs, runSignal);
      }
      const attempt = new AbortController();
      const onRunAbort = () => attempt.abort(runSignal.reason);
      runSignal.addEventListener('abort', onRunAbort, { once: true });
      const timer = setTimeout(() => attempt.abort(new MedflowError({
        code: ErrorCodes.NODE_TIMEOUT, category: 'SYSTEM',
        message: `node "${planned.node.id}" did not finish within ${planned.limits.timeoutMs} ms`,
        details: { timeoutMs: planned.limits.timeoutMs },
      })), planned.limits.timeoutMs);
      try {
        const ctx = this.context(planned, rec, attempt.signal);
        return await raceAbort(Promise.resolve().then(() => planned.def.execute(ctx, inputs as never)), attempt.signal);
      } catch (error) {
        if (error instanceof SuspendSignal || runSignal.aborted) throw error;
        const info = toErrorInfo(error);
        if (info.retryable === false || info.category === 'USER' || retry >= planned.limits.retries) throw error;
        this.emit('node.retrying', planned.node.id, { attempt: rec.attempts + 1, error: info });
      } finally {
        clearTimeout(timer);
        runSignal.removeEventListener('abort', onRunAbort);
      }
    }
  }

  private context(planned: PlannedNode, rec: NodeRunRecord, signal: AbortSignal): NodeContext {
    const nodeId = planned.node.id;
    const log = (level: keyof NodeLogger) => (message: string, data?: Record<string, unknown>) => {
      const count = (this.logCounts.get(nodeId) ?? 0) + 1;
      this.logCounts.set(nodeId, count);
      if (count <= LOGS_PER_NODE) this.emit('node.log', nodeId, { level, message, ...(data ? { data } : {}) });
    };
    const resume: ResumeInfo | undefined = rec.resume;
    return {
      config: planned.config,
      runId: this.run.id,
      nodeId,
      attempt: rec.attempts,
      signal,
      log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
      progress: (fraction, note) => {
        const t = Date.now();
        const final = fraction === 1;
        if (!final && t - (this.lastProgress.get(nodeId) ?? 0) < PROGRESS_INTERVAL_MS) return;
        this.lastProgress.set(nodeId, t);
        const clamped = fraction === null ? null : Math.min(1, Math.max(0, fraction));
        this.emit('node.progress', nodeId, { fraction: clamped, ...(note ? { note } : {}) });
      },
      services: this.deps.services(this.run.id, nodeId),
      runInputs: this.run.inputs,
      suspend: (request) => { throw new SuspendSignal(request); },
      ...(resume ? { resume } : {}),
    };
  }

  private recordFailure(error: ErrorInfo): void {
    if (this.failure || this.cancelled) return;
    this.failure = error;
    this.controller.abort(new MedflowError({ code: 'RUN_FAILED', category: 'SYSTEM', message: 'another node failed' }));
  }

  /** Checkpoints nobody waited for; the run's end waits for them, and a failed one fails the run. */
  private readonly background = new Set<Promise<void>>();

  private inBackground(write: Promise<void>): void {
    const tracked = write.catch((error) => this.recordFailure(toErrorInfo(error, 'JOURNAL_WRITE_FAILED'))).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  private maybeFinish(): void {
    if (this.finished || this.draining || this.running.size > 0 || this.dirty.size > 0) return;
    void this.settle();
  }

  private async settle(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    while (this.background.size) await Promise.all([...this.background]);
    const waiting = [...this.records.values()].filter((r) => r.status === 'waiting');
    let status: RunStatus;
    if (this.cancelled) status = 'cancelled';
    else if (this.failure) status = 'failed';
    else if (waiting.length > 0) status = 'waiting_review';
    else status = 'completed';
    this.run.status = status;
    if (this.failure) this.run.error = this.failure;
    if (status !== 'waiting_review') {
      this.run.finishedAt = now();
      this.run.durationMs = Date.parse(this.run.finishedAt) - Date.parse(this.run.startedAt ?? this.run.createdAt);
    }
    try {
      await this.deps.journal.saveRun(this.run);
    } catch (error) {
      this.run.error ??= toErrorInfo(error, 'JOURNAL_WRITE_FAILED');
    }
    const type: RunEventType = status === 'waiting_review' ? 'run.waiting' : status === 'completed' ? 'run.completed' : status === 'failed' ? 'run.failed' : 'run.cancelled';
    this.emit(type, undefined, status === 'waiting_review'
      ? { waitingNodes: waiting.map((r) => r.nodeId) }
      : { durationMs: this.run.durationMs, ...(this.run.error ? { error: this.run.error } : {}) });
    await Promise.allSettled([...this.pendingWrites]);
    this.resolveDone(this.run);
  }

  private emit(type: RunEventType, nodeId?: string, data?: Record<string, unknown>): void {
    // Progress is ephemeral (never stored), so it reuses the last number instead of leaving gaps a
    // reconnecting client would wait for.
    const seq = type === 'node.progress' ? this.seq : ++this.seq;
    const event: RunEvent = { runId: this.run.id, seq, type, at: now(), ...(nodeId ? { nodeId } : {}), ...(data ? { data } : {}) };
    const write = this.deps.journal.appendEvent(event).catch(() => { /* events are a log; the node checkpoints are the truth */ });
    this.pendingWrites.add(write);
    void write.finally(() => this.pendingWrites.delete(write));
    this.deps.emit(event);
  }
}

/** Characters in a value (strings, keys, ~8 per other scalar), counted until `limit` is passed. */
function sizeUpTo(value: unknown, limit: number): number {
  let size = 0;
  const stack: unknown[] = [value];
  while (stack.length && size <= limit) {
    const v = stack.pop();
    if (typeof v === 'string') size += v.length + 2;
    else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) { size += k.length + 4; stack.push(child); }
    } else size += 8;
  }
  return size;
}

/** Checks what a node returned against its declared output ports; a node that lies about its outputs fails. */
function checkOutputs(planned: PlannedNode, returned: unknown): Record<string, unknown> {
  const fail = (message: string, details: Record<string, unknown> = {}) => new MedflowError({
    code: ErrorCodes.OUTPUT_INVALID, category: 'SYSTEM', retryable: false, message: `${planned.node.id}: ${message}`, details,
  });
  if (returned === null || typeof returned !== 'object' || Array.isArray(returned)) throw fail('execute() must return an object of outputs');
  const outputs: Record<string, unknown> = {};
  for (const [port, value] of Object.entries(returned)) {
    if (value === undefined) continue;
    const spec = planned.outputs[port];
    if (!spec) throw fail(`returned unknown output "${port}"`, { port, declared: Object.keys(planned.outputs) });
    const parsed = spec.kind.schema.safeParse(value);
    if (!parsed.success) throw fail(`output "${port}" is not a valid ${spec.kind.name}`, { port, issues: parsed.error.issues.slice(0, 10) });
    outputs[port] = parsed.data;
  }
  return outputs;
}
