import type { CollectionSpec } from './port.js';

/** Every collection the server uses, with the fields it queries by. Adapters create tables and indexes from this. */
export const COLLECTIONS = {
  workflows: { indexes: ['updatedAt', 'name', 'revision'] },
  workflow_versions: { indexes: ['workflowId', 'version'] },
  runs: { indexes: ['workflowId', 'status', 'createdAt'] },
  /** Workflow documents runs executed, by content hash: every run of a published version shares one. */
  run_documents: { indexes: [] },
  run_nodes: { indexes: ['runId'] },
  // Event ids are `<runId>/<zero-padded seq>`, so sorting by id is sorting by seq: no second index to maintain.
  run_events: { indexes: ['runId'] },
} satisfies Record<string, CollectionSpec>;

export type CollectionName = keyof typeof COLLECTIONS;
