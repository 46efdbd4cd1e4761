import type { PhiVaultService } from '@medflow/sdk';
import type { DocumentStore } from '../store/index.js';

export interface PhiVaultEntry { token: string; type: string; value: string }
export interface PhiVaultRecord { id: string; runId: string; nodeId: string; createdAt: string; entries: PhiVaultEntry[] }

/** One table per redaction node of a run; the id is derived, so a retried node overwrites its own. */
export const phiVaultId = (runId: string, nodeId: string) => `${runId}/${nodeId}`;

/**
 * Re-identification tables of the PHI redaction node, in the store's `phi_vault` collection whose
 * `entries` are encrypted at rest (see ENCRYPTED_FIELDS); read back only by the audited API route.
 */
export class StorePhiVault implements PhiVaultService {
  constructor(private readonly store: DocumentStore) {}

  private get rows() { return this.store.collection<PhiVaultRecord>('phi_vault'); }

  async keep(request: { runId: string; nodeId: string; entries: PhiVaultEntry[] }) {
    const id = phiVaultId(request.runId, request.nodeId);
    await this.rows.put({ id, runId: request.runId, nodeId: request.nodeId, createdAt: new Date().toISOString(), entries: request.entries });
    return { vaultId: id };
  }

  get(runId: string, nodeId: string): Promise<PhiVaultRecord | undefined> {
    return this.rows.get(phiVaultId(runId, nodeId));
  }

  /** Retention: the tables go with the run's payloads. */
  deleteForRun(runId: string): Promise<number> {
    return this.rows.deleteMany({ runId });
  }
}

/** For the command line, where nothing outlives the process: the table is dropped at exit. */
export class MemoryPhiVault implements PhiVaultService {
  private readonly tables = new Map<string, PhiVaultEntry[]>();
  async keep(request: { runId: string; nodeId: string; entries: PhiVaultEntry[] }) {
    const id = phiVaultId(request.runId, request.nodeId);
    this.tables.set(id, request.entries);
    return { vaultId: id };
  }
}
