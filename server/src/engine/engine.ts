import { uuidV7 } from '../ids/uuid-v7.js';
import {
  ErrorCodes, MedflowError, type NodeRunRecord, type NodeServices, type RunEvent, type RunRecord,
} from '@medflow/sdk';
import { RunExecution } from './execution.js';
import type { RunJournal } from './journal.js';
import { planWorkflow, type ExecutionPlan, type PlanResult } from './plan.js';
import { ResourcePools } from './pools.js';
import type { NodeRegistry } from './registry.js';
import { checkRunInputs } from './run-inputs.js';

export interface EngineOptions {
  registry: NodeRegistry;
  journal: RunJournal;
  pools?: ResourcePools;
  /** Services for one node of one run; the server scopes them by the node's capabilities. */
  services?: (runId: string, nodeId: string) => NodeServices;
  maxInterruptions?: number;
  /** Output characters one node may produce (default 4 million) and a whole run (default 16 million). */
  maxNodeOutputChars?: number;
  maxRunOutputChars?: number;
}

export interface StartOptions {
  workflowId?: string;
  workflowVersion?: number | 'draft';
  startedBy?: string;
  runId?: string;
}

/** A stored run, as the server loads it to continue it. */
export interface RunSnapshot {
  run: RunRecord;
  nodes: NodeRunRecord[];
  lastSeq: number;
}

export interface RunHandle {
  run: RunRecord;
  /** Settles when the run completes, fails, is cancelled or starts waiting for a person. */
  done: Promise<RunRecord>;
  /** The node records as the engine holds them (what the journal was given). */
  nodes(): NodeRunRecord[];
}

/**
 * The workflow engine: plans, starts, resumes and cancels runs, and streams their events. Framework-free:
 * persistence comes in through a RunJournal and services through a factory, so the same engine serves
 * the HTTP server, the CLI and the benchmarks.
 */
export class Engine {
  readonly registry: NodeRegistry;
  readonly pools: ResourcePools;
  private readonly journal: RunJournal;
  private readonly services: (runId: string, nodeId: string) => NodeServices;
  private readonly maxInterruptions: number;
  private readonly outputLimits: { maxNodeOutputChars: number; maxRunOutputChars: number };
  private readonly active = new Map<string, RunExecution>();
  private readonly listeners = new Set<(event: RunEvent) => void>();

  constructor(options: EngineOptions) {
    this.registry = options.registry;
    this.journal = options.journal;
    this.pools = options.pools ?? new ResourcePools();
    this.services = options.services ?? noServices;
    this.maxInterruptions = options.maxInterruptions ?? 3;
    this.outputLimits = { maxNodeOutputChars: options.maxNodeOutputChars ?? 4_000_000, maxRunOutputChars: options.maxRunOutputChars ?? 16_000_000 };
  }

  /** Plans of documents seen before, by identity: published versions are immutable and reused. */
  private readonly plans = new WeakMap<object, ExecutionPlan>();

  plan(document: unknown): PlanResult {
    const cached = typeof document === 'object' && document !== null ? this.plans.get(document) : undefined;
    if (cached) return { ok: true, plan: cached };
    const result = planWorkflow(document, this.registry);
    if (result.ok && typeof document === 'object' && document !== null) this.plans.set(document, result.plan);
    return result;
  }

  /** Plans a document and throws a USER error listing every problem when it is invalid. */
  planOrThrow(document: unknown): ExecutionPlan {
    const result = this.plan(document);
    if (!result.ok) {
      throw new MedflowError({
        code: ErrorCodes.WORKFLOW_INVALID, category: 'USER',
        message: `workflow has ${result.problems.length} problem(s): ${result.problems.map((p) => p.message).join('; ')}`,
        details: { problems: result.problems },
      });
    }
    return result.plan;
  }

  async start(document: unknown, inputs: Record<string, unknown>, options: StartOptions = {}): Promise<RunHandle> {
    const plan = this.planOrThrow(document);
    checkRunInputs(plan.runInputs, inputs);
    const run: RunRecord = {
      id: options.runId ?? uuidV7(),
      ...(options.workflowId ? { workflowId: options.workflowId } : {}),
      ...(options.workflowVersion !== undefined ? { workflowVersion: options.workflowVersion } : {}),
      ...(options.startedBy ? { startedBy: options.startedBy } : {}),
      workflowName: plan.document.name,
      document: plan.document,
      status: 'queued',
      inputs,
      outputs: {},
      createdAt: new Date().toISOString(),
    };
    const execution = this.track(new RunExecution(run, plan, this.deps()));
    await execution.start().catch((error) => { this.active.delete(run.id); throw error; });
    return { run, done: execution.done, nodes: () => execution.nodeRecords() };
  }

  /**
   * Continues a stored run: after a server restart (no decision), or with a person's decision for a
   * node that suspended the run.
   */
  async resume(snapshot: RunSnapshot, decision?: { nodeId: string; data: unknown }): Promise<RunHandle> {
    const live = this.active.get(snapshot.run.id);
    if (live) {
      if (decision) await live.resumeWaiting(decision.nodeId, decision.data);
      return { run: live.run, done: live.done, nodes: () => live.nodeRecords() };
    }
    const plan = this.planOrThrow(snapshot.run.document);
    const execution = new RunExecution({ ...snapshot.run }, plan, this.deps(), { nodes: snapshot.nodes, lastSeq: snapshot.lastSeq });
    this.track(execution);
    await execution.resume(decision).catch((error) => { this.active.delete(snapshot.run.id); throw error; });
    return { run: execution.run, done: execution.done, nodes: () => execution.nodeRecords() };
  }

  /** Cancels a run: an executing one is aborted; a stored one waiting for review is closed. */
  async cancel(runIdOrSnapshot: string | RunSnapshot, reason?: string): Promise<boolean> {
    const id = typeof runIdOrSnapshot === 'string' ? runIdOrSnapshot : runIdOrSnapshot.run.id;
    const live = this.active.get(id);
    if (live) {
      live.cancel(reason);
      await live.done;
      return true;
    }
    if (typeof runIdOrSnapshot === 'string' || runIdOrSnapshot.run.status !== 'waiting_review') return false;
    const plan = this.planOrThrow(runIdOrSnapshot.run.document);
    const execution = new RunExecution({ ...runIdOrSnapshot.run }, plan, this.deps(), { nodes: runIdOrSnapshot.nodes, lastSeq: runIdOrSnapshot.lastSeq });
    await execution.cancelWaiting(reason ?? 'cancelled by user');
    return true;
  }

  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  get activeRuns(): number {
    return this.active.size;
  }

  /** Live node states of an executing run (fresher than the store while nodes are mid-flight). */
  liveNodes(runId: string): NodeRunRecord[] | undefined {
    return this.active.get(runId)?.nodeRecords();
  }

  /** Subscribes to every event of every run; returns the unsubscribe function. */
  on(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Settles when every executing run has settled. */
  async idle(): Promise<void> {
    while (this.active.size) await Promise.allSettled([...this.active.values()].map((e) => e.done));
  }

  private track(execution: RunExecution): RunExecution {
    this.active.set(execution.run.id, execution);
    void execution.done.finally(() => this.active.delete(execution.run.id));
    return execution;
  }

  private deps() {
    return {
      journal: this.journal,
      pools: this.pools,
      services: this.services,
      maxInterruptions: this.maxInterruptions,
      ...this.outputLimits,
      emit: (event: RunEvent) => {
        for (const listener of this.listeners) {
          try { listener(event); } catch { /* a broken subscriber must not break a run */ }
        }
      },
    };
  }
}

function noServices(): NodeServices {
  return new Proxy({} as NodeServices, {
    get(_target, name) {
      if (typeof name !== 'string' || name === 'then') return undefined;
      throw new MedflowError({ code: ErrorCodes.SERVICE_UNAVAILABLE, category: 'SYSTEM', retryable: false, message: `service "${name}" is not available in this engine` });
    },
  });
}
