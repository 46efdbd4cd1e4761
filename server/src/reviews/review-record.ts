import { createHash } from 'node:crypto';
import type { ReviewField, ReviewSource } from '@medflow/nodes-builtin';
import type { Role } from '../auth/roles.js';

export type ReviewStatus = 'pending' | 'approved' | 'rejected' | 'returned' | 'expired' | 'cancelled';

/**
 * One review: a gate of one run waiting for (or decided by) a physician. Clear fields are what the inbox
 * filters on; `draft`, `sources`, `result` and `edits` hold patient data and are sealed at rest.
 */
export interface ReviewRecord {
  id: string;
  runId: string;
  nodeId: string;
  workflowId?: string;
  workflowName: string;
  workflowVersion?: number | 'draft';
  startedBy?: string;
  status: ReviewStatus;
  title: string;
  instructions: string;
  reviewers: { roles: Role[]; users: string[] };
  escalation: { onDeadline: 'escalate' | 'fail'; roles: Role[] };
  createdAt: string;
  deadline?: string;
  escalatedAt?: string;
  /** Sealed: the fields as drafted (values, evidence) and the raw draft. */
  draft: { fields: ReviewField[]; raw: unknown };
  /** Sealed: what the reviewer reads beside the draft. */
  sources: ReviewSource[];
  /** Who decided what, when (no patient data: free text lives in `result`). */
  decision?: { decision: Exclude<ReviewStatus, 'pending' | 'cancelled'>; reviewer?: { id: string; username: string; displayName: string }; decidedAt: string };
  /** Sealed: the confirmed values, the reason or the comment. */
  result?: { values?: Record<string, unknown>; reason?: string; comment?: string };
  /** Sealed: the fields the physician changed, before and after (feedback on the model). */
  edits?: Array<{ key: string; before: unknown; after: unknown }>;
}

/** A review's id follows from its run and gate, so creating it twice (after a crash) finds the first. */
export function reviewId(runId: string, nodeId: string): string {
  const h = createHash('sha256').update(`${runId}/${nodeId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
