import type { CollectionSpec } from './port.js';

/** Every collection the server uses, with the fields it queries by. Adapters create tables and indexes from this. */
export const COLLECTIONS = {
  workflows: { indexes: ['updatedAt', 'name', 'revision'] },
  workflow_versions: { indexes: ['workflowId', 'version'] },
  runs: { indexes: ['workflowId', 'status', 'createdAt'] },
  /** Workflow documents runs executed, by content hash: every run of a published version shares one. */
  run_documents: { indexes: [] },
  // Node records and event chunks have ids starting with `<runId>/`: found by id prefix, no index to maintain.
  run_nodes: { indexes: [] },
  run_events: { indexes: [] },
} satisfies Record<string, CollectionSpec>;

export type CollectionName = keyof typeof COLLECTIONS;
