#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { builtinNodes } from '@medflow/nodes-builtin';
import { isMedflowError, type RunRecord } from '@medflow/sdk';
import { Engine, MemoryJournal, NodeRegistry, ResourcePools } from '../engine/index.js';
import { compareReports, evaluate, parseDataset, resolveDatasetFiles, type EvaluationReport } from '../evaluation/index.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { createRuntime } from '../runtime/index.js';
import { RunFiles } from '../services/file-service.js';
import { MemoryPhiVault } from '../compliance/phi-vault.js';
import { AuditLog, type AuditCheckpoint } from '../compliance/audit-log.js';
import { loadAuditKey } from '../compliance/audit-key.js';
import { openStore } from '../store/index.js';
import { uuidV7 } from '../ids/uuid-v7.js';
import { backupEmbeddedStore, restoreEmbeddedStore } from '../store/sqlite-backup.js';
import { readCliInputs, UsageError } from './inputs.js';
import { ProgressDisplay } from './progress.js';

const USAGE = `medflow — run clinical workflows from the terminal (nothing leaves this machine)

Usage:
  medflow run <flow.json> [--input name=value | --input name=@file]... [--quiet]
  medflow validate <flow.json>
  medflow eval <flow.json> <dataset.jsonl> [--concurrency N] [--out report.json] [--compare before.json]
  medflow node-types
  medflow models                 (what is in MEDFLOW_MODELS_DIR)
  medflow audit verify [--checkpoint file.json]   walk the audit trail (hashes, seals, head, checkpoints)
  medflow audit checkpoint       print a signed checkpoint of the verified trail, to keep elsewhere
  medflow backup <file>          copy the embedded store (MEDFLOW_DATA_DIR/medflow.db), also while the server runs
  medflow restore <file>         replace the embedded store with a backup (stop the server first)

<flow.json> is a workflow document, or an exported workflow ({ "document": ... } / { "workflow": { "draft": ... } }).
Results are printed to stdout as JSON; progress goes to stderr.
eval runs every record of a labelled JSONL dataset ({"id","inputs":{...},"expected":{<output>: ...}}; a file
input is given as {"$file": "path relative to the dataset"})
through the flow, review gates approved as drafted, and prints the scores (codes: micro/macro F1 and
exact match, also by ICD-10 category; spans: recall/precision by type; fields: P/R/F1 per field).
Exit codes: 0 completed, 1 failed, 2 bad usage or invalid workflow, 3 waiting for review, 130 cancelled.`;

export const EXIT = { completed: 0, failed: 1, usage: 2, waiting: 3, cancelled: 130 } as const;

function createEngine() {
  // Files live in memory for the length of the command, with the same per-run handles as on the server.
  const files = RunFiles.inMemory();
  const registry = new NodeRegistry().registerAll(builtinNodes);
  // The same settings as the server (MEDFLOW_MODELS_DIR, MEDFLOW_GPU…), so a flow runs the same way here.
  const config = loadConfig();
  const runtime = createRuntime(config.runtime, createLogger(process.env.MEDFLOW_LOG_LEVEL === 'debug' ? 'debug' : 'warn'));
  // Nothing outlives a command-line run, so redaction tables stay in memory and go at exit.
  const phiVault = new MemoryPhiVault();
  const engine = new Engine({ registry, journal: new MemoryJournal(), pools: new ResourcePools(config.pools), services: (runId) => runtime.services(files.forRun(runId), phiVault) });
  return { engine, files, runtime };
}

async function readFlow(path: string | undefined): Promise<unknown> {
  if (!path) throw new UsageError('missing <flow.json>');
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch (e) { throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
  let json: any;
  try { json = JSON.parse(text); } catch (e) { throw new UsageError(`${path} is not valid JSON: ${(e as Error).message}`); }
  return json?.workflow?.draft ?? json?.document ?? json;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      input: { type: 'string', short: 'i', multiple: true }, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' },
      concurrency: { type: 'string' }, out: { type: 'string' }, compare: { type: 'string' }, checkpoint: { type: 'string' },
    },
  });
  const [command, file, datasetFile] = positionals;
  if (values.help || !command) { process.stdout.write(`${USAGE}\n`); return values.help ? 0 : EXIT.usage; }
  if (command === 'backup' || command === 'restore') return backupOrRestore(command, file);
  if (command === 'audit') return auditCommand(file, values.checkpoint);
  const { engine, files, runtime } = createEngine();

  if (command === 'models') {
    const models = await runtime.registry.list();
    if (!models.length) process.stdout.write(`no models in ${runtime.registry.dir} (MEDFLOW_MODELS_DIR)\n`);
    for (const m of models) process.stdout.write(`${m.kind}\t${m.name}\t${(m.sizeBytes / 1048576).toFixed(1)} MB${m.quantization ? `\t${m.quantization}` : ''}${m.contextLength ? `\tctx ${m.contextLength}` : ''}\n`);
    return 0;
  }
  if (command === 'node-types') {
    for (const t of engine.registry.catalogue()) process.stdout.write(`${t.type}@${t.version}\t${t.display.title.ja} / ${t.display.title.en}\n`);
    return 0;
  }
  if (command === 'validate') {
    const result = engine.plan(await readFlow(file));
    if (result.ok) { process.stdout.write(`OK: ${result.plan.nodes.size} nodes; inputs: ${result.plan.runInputs.map((i) => `${i.name} (${i.kind}${i.required ? ', required' : ''})`).join(', ') || 'none'}\n`); return 0; }
    for (const p of result.problems) process.stderr.write(`✖ ${p.path}: ${p.message}\n`);
    return EXIT.usage;
  }
  if (command === 'eval') {
    const report = await runEvaluation(engine, files, await readFlow(file), datasetFile, values);
    await runtime.close();
    return report.failedRuns ? EXIT.failed : EXIT.completed;
  }
  if (command !== 'run') throw new UsageError(`unknown command "${command}"`);

  const document = await readFlow(file);
  const plan = engine.planOrThrow(document);
  const runId = uuidV7();
  const inputs = await readCliInputs(values.input ?? [], plan.runInputs, (bytes, name) => files.storeUpload(runId, bytes, name));
  const display = values.quiet ? undefined : new ProgressDisplay(plan.document.nodes.map((n) => ({ id: n.id, label: n.label ?? n.id })));
  engine.on((event) => display?.update(event));
  const { run, done } = await engine.start(document, inputs, { runId });
  const onInterrupt = () => { void engine.cancel(run.id, 'interrupted from the terminal'); };
  process.once('SIGINT', onInterrupt);
  const final: RunRecord = await done;
  process.off('SIGINT', onInterrupt);
  display?.finish();
  process.stdout.write(`${JSON.stringify({ runId: final.id, status: final.status, outputs: final.outputs, ...(final.error ? { error: final.error } : {}) }, null, 2)}\n`);
  if (final.status === 'failed' && final.error) process.stderr.write(`✖ ${final.error.code}: ${final.error.message}\n`);
  await runtime.close();
  return final.status === 'completed' ? EXIT.completed : final.status === 'waiting_review' ? EXIT.waiting : final.status === 'cancelled' ? EXIT.cancelled : EXIT.failed;
}

/**
 * The audit trail, read where the server keeps it (embedded file or MongoDB) with the same sealing key. Exit 1 when
 * the trail does not verify, with the first broken point on stderr.
 */
async function auditCommand(sub: string | undefined, checkpointFile: string | undefined): Promise<number> {
  if (sub !== 'verify' && sub !== 'checkpoint') throw new UsageError('medflow audit verify [--checkpoint file.json] | medflow audit checkpoint');
  const config = loadConfig();
  const security = config.security;
  if (!security.auditKey && !existsSync(security.auditKeyFile)) throw new UsageError(`no audit key at ${security.auditKeyFile} (MEDFLOW_AUDIT_KEY / MEDFLOW_AUDIT_KEY_FILE): the trail cannot be verified without the key it was sealed with`);
  let checkpoint: AuditCheckpoint | undefined;
  if (checkpointFile) {
    try { checkpoint = JSON.parse(await readFile(checkpointFile, 'utf8')) as AuditCheckpoint; } catch (e) { throw new UsageError(`cannot read checkpoint ${checkpointFile}: ${(e as Error).message}`); }
    if (checkpoint?.format !== 'medflow-audit-checkpoint/1') throw new UsageError(`${checkpointFile} is not a MedFlow audit checkpoint`);
  }
  const store = await openStore({ sqlitePath: join(config.dataDir, 'medflow.db'), ...(config.mongodbUri ? { mongodbUri: config.mongodbUri } : {}) });
  try {
    const audit = new AuditLog(store, loadAuditKey({ ...(security.auditKey ? { envKey: security.auditKey } : {}), keyFile: security.auditKeyFile }).key);
    const verified = await audit.verify(checkpoint ? { checkpoint } : {});
    if (!verified.ok) {
      process.stderr.write(`✖ audit trail broken at event ${verified.firstBroken!.seq}: ${verified.firstBroken!.reason} (${verified.checked} events hold before it)\n`);
      return EXIT.failed;
    }
    if (sub === 'verify') { process.stdout.write(`${JSON.stringify(verified, null, 2)}\n`); return 0; }
    process.stdout.write(`${JSON.stringify(await audit.checkpoint(), null, 2)}\n`);
    process.stderr.write('keep this checkpoint apart from the server (print it, file it): medflow audit verify --checkpoint <file> shows a trail rewritten or cut back below it.\n');
    return 0;
  } finally { await store.close(); }
}

/** Backup and restore of the embedded store; MongoDB deployments use mongodump / mongorestore (README). */
async function backupOrRestore(command: 'backup' | 'restore', file: string | undefined): Promise<number> {
  const config = loadConfig();
  if (config.mongodbUri) throw new UsageError('MONGODB_URI is set: back up MongoDB with mongodump and restore with mongorestore (README, "Deployment")');
  if (!file) throw new UsageError(`missing <file>: medflow ${command} <file>`);
  const dbPath = join(config.dataDir, 'medflow.db');
  const keys = config.security.encryptionKeys ? 'MEDFLOW_ENCRYPTION_KEYS' : config.security.keyFile;
  if (command === 'backup') {
    const summary = await backupEmbeddedStore(dbPath, file).catch((e: Error) => { throw new UsageError(e.message); });
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    process.stderr.write(`backup written. Run data in it is encrypted: keep the data keys (${keys}) too, stored apart from the backup.\n`);
    return 0;
  }
  // Replacing the file under a running server would lose what it writes next, or corrupt the store.
  const running = await fetch(`http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}/api/health`, { signal: AbortSignal.timeout(1_000) }).then(() => true, () => false);
  if (running) throw new UsageError(`a MedFlow server answers on ${config.host}:${config.port}: stop it before restoring`);
  const summary = (() => { try { return restoreEmbeddedStore(file, dbPath); } catch (e) { throw new UsageError((e as Error).message); } })();
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  process.stderr.write(`restored. The server needs the data keys the backup was made with (${keys}).\n`);
  return 0;
}

/** Where a dataset's files wait until each record's run is given them. */
const DATASET_SCOPE = 'dataset';

async function runEvaluation(engine: Engine, files: RunFiles, document: unknown, datasetFile: string | undefined, values: { concurrency?: string | undefined; out?: string | undefined; compare?: string | undefined; quiet?: boolean | undefined }) {
  if (!datasetFile) throw new UsageError('missing <dataset.jsonl>');
  let text: string;
  try { text = await readFile(datasetFile, 'utf8'); } catch (e) { throw new UsageError(`cannot read ${datasetFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
  const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) throw new UsageError('--concurrency must be a whole number from 1 to 32');
  const before = values.compare ? JSON.parse(await readFile(values.compare, 'utf8')) as EvaluationReport : undefined;
  const dataset = await resolveDatasetFiles(parseDataset(basename(datasetFile), text), datasetFile, (bytes, name) => files.storeUpload(DATASET_SCOPE, bytes, name)).catch((e: Error) => { throw new UsageError(`${datasetFile} ${e.message}`); });
  const report = await evaluate(engine, document, dataset, {
    concurrency,
    prepareRun: (inputs, runId) => files.share(inputs, DATASET_SCOPE, runId),
    onProgress: (done, total) => { if (!values.quiet && (done % 25 === 0 || done === total)) process.stderr.write(`  ${done}/${total}\r`); },
  });
  if (!values.quiet) process.stderr.write('\n');
  const { records, ...summary } = report;
  const failures = records.filter((r) => !r.ok).slice(0, 20).map((r) => ({ id: r.id, ...(r.error ? { error: r.error } : {}), wrong: Object.keys(r.byOutput).filter((k) => !r.byOutput[k]) }));
  process.stdout.write(`${JSON.stringify({ ...summary, ...(before ? { changeSince: { dataset: before.dataset.sha256 === report.dataset.sha256 ? 'same' : 'DIFFERENT', ...compareReports(before, report) } } : {}), firstMisses: failures }, null, 2)}\n`);
  if (values.out) await writeFile(values.out, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`medflow: ${(error as Error).message}\n\n${USAGE}\n`);
      process.exitCode = EXIT.usage;
    } else if (isMedflowError(error) && error.category === 'USER') {
      process.stderr.write(`medflow: ${error.message}\n`);
      const problems = (error.details.problems as Array<{ path: string; message: string }> | undefined) ?? [];
      for (const p of problems) process.stderr.write(`  ✖ ${p.path}: ${p.message}\n`);
      process.exitCode = EXIT.usage;
    } else {
      process.stderr.write(`medflow: internal error: ${(error as Error).message}\n`);
      process.exitCode = EXIT.failed;
    }
  },
);
