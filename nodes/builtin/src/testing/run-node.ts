import { createHash } from 'node:crypto';
import { loadCodeTables, loadNotifiableTable } from '@medflow/data';
import { CodeSandbox } from '@medflow/sandbox';
import { SuspendSignal, type AnyNodeDefinition, type FileRef, type NodeContext, type NodeServices, type ResumeInfo } from '@medflow/sdk';

/** Unit tests get the real code tables but no AI services; the AI nodes are tested against the real ones in test/integration. */
const none = (name: string) => new Proxy({}, { get: () => () => { throw new Error(`${name} is not available in node unit tests`); } });

/** Calls a node the way the engine does (config parsed by its schema), with in-memory files. */
export async function runNode(def: AnyNodeDefinition, config: unknown, inputs: Record<string, unknown> = {}, runInputs: Record<string, unknown> = {}, files = new Map<string, Uint8Array>(), resume?: ResumeInfo) {
  const parsed = def.config.parse(config);
  const ctx: NodeContext = {
    config: parsed, runId: 'r', nodeId: 'n', attempt: 1, signal: new AbortController().signal,
    log: { debug() {}, info() {}, warn() {}, error() {} },
    progress() {},
    services: {
      files: {
        async read(ref: FileRef) { const b = files.get(ref.fileId); if (!b) throw new Error('missing'); return b; },
        async write(bytes: Uint8Array, meta: { name: string; mediaType: string }) {
          const fileId = createHash('sha256').update(bytes).digest('hex');
          files.set(fileId, bytes);
          return { fileId, size: bytes.length, ...meta };
        },
      },
      llm: none('llm') as NodeServices['llm'],
      transcription: none('transcription') as NodeServices['transcription'],
      ocr: none('ocr') as NodeServices['ocr'],
      http: none('http') as NodeServices['http'],
      codes: loadCodeTables(process.env.MEDFLOW_CODE_TABLES_DIR),
      code: codeSandbox(),
      notifiable: loadNotifiableTable(),
      phiVault: { async keep(r) { vault.set(`${r.runId}/${r.nodeId}`, r.entries); return { vaultId: `${r.runId}/${r.nodeId}` }; } },
    },
    runInputs,
    suspend(request) { throw new SuspendSignal(request); },
    ...(resume ? { resume } : {}),
  };
  return def.execute(ctx, inputs as never);
}

/** What redaction nodes kept for re-identification in these tests, by vault id. */
export const vault = new Map<string, unknown>();

export const incoming = (node: string, value: unknown, port = 'out') => ({ from: { node, port }, value });

let sharedCodeSandbox: CodeSandbox | undefined;
/** The real sandbox for code nodes (isolated-vm), shared by the tests of one worker. */
function codeSandbox(): CodeSandbox {
  return (sharedCodeSandbox ??= new CodeSandbox());
}
