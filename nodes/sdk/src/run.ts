import type { ErrorInfo } from './errors.js';
import type { WorkflowDocument } from './workflow.js';
import type { ResumeInfo, SuspendRequest } from './context.js';

export type RunStatus = 'queued' | 'running' | 'waiting_review' | 'completed' | 'failed' | 'cancelled';
export type NodeStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped' | 'waiting' | 'cancelled';

export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

/** The persisted state of one node in one run: the checkpoint that makes resume possible. */
export interface NodeRunRecord {
  runId: string;
  nodeId: string;
  status: NodeStatus;
  /** Tries started so far, across restarts. */
  attempts: number;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  error?: ErrorInfo;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  suspend?: SuspendRequest;
  /** The decision a suspended node is resumed with; kept so a crash during the resumed call loses nothing. */
  resume?: ResumeInfo;
  /** Runs cut short by a server crash; a node that keeps killing the server stops being retried. */
  interruptions?: number;
  /** Why a node was skipped, for the run view. */
  skipReason?: string;
}

export type RunEventType =
  | 'run.started' | 'run.resumed' | 'run.waiting' | 'run.completed' | 'run.failed' | 'run.cancelled'
  | 'node.started' | 'node.progress' | 'node.log' | 'node.retrying' | 'node.completed' | 'node.failed'
  | 'node.skipped' | 'node.waiting' | 'node.cancelled';

export interface RunEvent {
  runId: string;
  /** Monotonic per run; SSE clients resume with it as Last-Event-ID. `node.progress` repeats the last number. */
  seq: number;
  type: RunEventType;
  at: string;
  nodeId?: string;
  data?: Record<string, unknown>;
}

/** A run as stored and returned by the API; node records are kept beside it, one per node. */
export interface RunRecord {
  id: string;
  workflowId?: string;
  /** The published version that ran, or `draft`. */
  workflowVersion?: number | 'draft';
  workflowName: string;
  /** The exact document that ran, so a later edit of the workflow never changes what a run means. */
  document: WorkflowDocument;
  status: RunStatus;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  error?: ErrorInfo;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  startedBy?: string;
}
