import type { CollectionSpec } from './port.js';

/** Every collection the server uses, with the fields it queries by. Adapters create tables and indexes from this. */
export const COLLECTIONS = {
  workflows: { indexes: ['updatedAt', 'name', 'revision', 'ownerId'] },
  workflow_versions: { indexes: ['workflowId', 'version'] },
  runs: { indexes: ['workflowId', 'status', 'createdAt', 'startedBy'] },
  /** Workflow documents runs executed, by content hash: every run of a published version shares one. */
  run_documents: { indexes: [] },
  // Node records and event chunks have ids starting with `<runId>/`: found by id prefix, no index to maintain.
  run_nodes: { indexes: [] },
  run_events: { indexes: [] },
  users: { indexes: ['username'] },
  /** One row per user name, inserted first: the uniqueness guard. */
  usernames: { indexes: [] },
  /** One row per identity-provider subject (hashed): links an SSO sign-in to its user. */
  oidc_subjects: { indexes: [] },
  sessions: { indexes: ['userId'] },
  /** The hash-chained audit trail; ids are zero-padded sequence numbers. */
  audit_events: { indexes: ['seq', 'action', 'actor.id', 'resource.id', 'patientData'] },
  /** The audit trail's sealed head (one document) and its signed checkpoints, by zero-padded sequence number. */
  audit_head: { indexes: [] },
  audit_checkpoints: { indexes: [] },
  /** Free text of audit events that may hold patient data, encrypted, by event id. */
  audit_sealed: { indexes: [] },
  /** Encrypted blobs: plain-content id → sealed bytes (internal: references never carry this id). */
  blob_keys: { indexes: ['lastUsedAt'] },
  /** Which run may read which stored file: ids `<runId>/<fileId>`, found by id prefix. */
  file_handles: { indexes: [] },
  reviews: { indexes: ['runId', 'status', 'workflowId', 'createdAt'] },
  /** Re-identification tables of PHI redaction, by run (entries encrypted). */
  phi_vault: { indexes: ['runId'] },
  /** Evaluation reports of workflows over labelled datasets. */
  evaluations: { indexes: ['workflowId', 'createdAt', 'status'] },
  /** Installed (and uploaded, awaiting approval) node packages, with their bundles. */
  node_packages: { indexes: ['name', 'status'] },
} satisfies Record<string, CollectionSpec>;

export type CollectionName = keyof typeof COLLECTIONS;
