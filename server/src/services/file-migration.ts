import { everyDocument, type Collection, type DocumentStore, type StoredDocument } from '../store/index.js';
import { fileIdsIn, type RunFiles } from './file-service.js';

interface StoredBlobKey extends StoredDocument { mediaType: string; size: number; name?: string }

/**
 * Brings a store from before per-run file handles up to date, once: references of that time carry the content
 * hash as their id, so each run that holds one gets a handle for it (and only that run). File names that were
 * kept in clear beside the sealed bytes are removed (they stay in the sealed references, where they belong).
 */
export async function migrateFileStorage(store: DocumentStore, files: RunFiles): Promise<{ handles: number; names: number }> {
  const blobKeys = store.collection<StoredBlobKey>('blob_keys');
  const handles = store.collection<StoredDocument & Record<string, unknown>>('file_handles');
  const report = { handles: 0, names: 0 };
  if (await handles.get(DONE)) return report;
  if (!(await blobKeys.count())) { await markDone(handles); return report; }
  for await (const key of everyDocument(blobKeys)) {
    if (key.name === undefined) continue;
    const { name: _name, ...rest } = key;
    await blobKeys.put(rest);
    report.names++;
  }
  const runs = store.collection<StoredDocument & { inputs?: unknown; outputs?: unknown }>('runs');
  const nodes = store.collection<StoredDocument & { outputs?: unknown }>('run_nodes');
  for await (const run of everyDocument(runs)) {
    const ids = fileIdsIn([run.inputs, run.outputs]);
    for (const node of await nodes.find({}, { idPrefix: `${run.id}/` })) fileIdsIn(node.outputs, ids);
    for (const contentId of ids) {
      const key = await blobKeys.get(contentId);
      if (!key) continue;
      await files.adoptLegacy(run.id, contentId, { mediaType: key.mediaType, size: key.size });
      report.handles++;
    }
  }
  await markDone(handles);
  return report;
}

/** Not a run id (those are UUIDs), so no run can read it as a file. */
const DONE = 'migration/legacy-file-refs';
const markDone = (handles: Collection<StoredDocument & Record<string, unknown>>) => handles.put({ id: DONE, doneAt: new Date().toISOString() });

