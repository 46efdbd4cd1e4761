// Sandbox benchmark (issue #8). Prints, as medians:
//  (a) overhead of a trivial sandboxed node (pooled isolate) vs the same node built in, per execution,
//      called directly and through the engine (50-node chains);
//  (b) cost of opening a package (new isolate + loading its bundle) and of a code-node run (fresh context);
//  (c) heap of one warm package isolate.
// Usage: npm run bench:sandbox (builds first). Env: BENCH_CALLS (default 5000).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeSandbox, DEFAULT_SANDBOX_POLICY, effectiveLimits, PackageSandbox, sandboxedDefinitions } from '@medflow/sandbox';
import { validatePackageDir } from '@medflow/create-node';
import { Engine, NodeRegistry, NullJournal } from '../../../server/dist/engine/index.js';
import { median, passNode, pct } from '../shared.mjs';

const CALLS = Number(process.env.BENCH_CALLS ?? 5000);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const fmt = (us) => `${us.toFixed(1)} µs`;

const SHARED = fileURLToPath(new URL('../shared.mjs', import.meta.url));
// The package re-exports the very node the built-in side runs: the two differ only in where they run.
const NODE_SOURCE = `import { passNode } from ${JSON.stringify(SHARED)};\nexport default [passNode];\n`;
const builtinPass = passNode;

const dir = join(root, 'test-output/bench-packages/pass');
rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, 'src'), { recursive: true });
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-pass', version: '1.0.0', medflow: { sdk: '^0.1.0', nodes: ['bench/pass'] } }));
writeFileSync(join(dir, 'src/index.ts'), NODE_SOURCE);
const inspection = await validatePackageDir(dir);
const limits = effectiveLimits({}, DEFAULT_SANDBOX_POLICY);

// (b) opening a package --------------------------------------------------------------------------------
const opens = [];
for (let i = 0; i < 7; i++) {
  const t0 = performance.now();
  const s = await PackageSandbox.open({ id: 'bench-pass@1.0.0', bundle: inspection.bundle, limits, poolSize: 1 });
  opens.push(performance.now() - t0);
  await s.close();
}

// (a) direct calls -------------------------------------------------------------------------------------
const sandbox = await PackageSandbox.open({ id: 'bench-pass@1.0.0', bundle: inspection.bundle, limits, poolSize: 2 });
const [sandboxedPass] = sandboxedDefinitions(sandbox, { package: 'bench-pass', version: '1.0.0', integrity: 'bench', sandboxed: true }, inspection.packageJson.medflow.capabilities);
const noop = () => {};
const ctx = {
  config: {}, runId: 'r', nodeId: 'n', attempt: 1, signal: new AbortController().signal, runInputs: {},
  log: { debug: noop, info: noop, warn: noop, error: noop }, progress: noop, services: {}, suspend: noop,
};
async function timeCalls(def, n) {
  const samples = [];
  for (let i = 0; i < n + 200; i++) {
    const t0 = process.hrtime.bigint();
    const out = await def.execute(ctx, { in: { note: '発熱', n: i } });
    if (out.out.n !== i) throw new Error('wrong output');
    if (i >= 200) samples.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return samples;
}
const builtinCalls = await timeCalls(builtinPass, CALLS);
const sandboxCalls = await timeCalls(sandboxedPass, CALLS);

// (a) through the engine -------------------------------------------------------------------------------
const chain = {
  name: 'chain50',
  nodes: Array.from({ length: 50 }, (_, i) => ({ id: `n${i}`, type: 'bench/pass', typeVersion: 1, config: {} })),
  edges: Array.from({ length: 49 }, (_, i) => ({ from: { node: `n${i}`, port: 'out' }, to: { node: `n${i + 1}`, port: 'in' } })),
};
async function perNode(def) {
  const engine = new Engine({ registry: new NodeRegistry().register(def), journal: new NullJournal() });
  const samples = [];
  for (let i = 0; i < 120; i++) {
    const t0 = process.hrtime.bigint();
    const run = await (await engine.start(chain, {})).done;
    if (run.status !== 'completed') throw new Error(`chain ${run.status}: ${JSON.stringify(run.error)}`);
    if (i >= 20) samples.push(Number(process.hrtime.bigint() - t0) / 1000 / 50);
  }
  return median(samples);
}
const enginePinned = { ...sandboxedPass, origin: undefined };
const engineBuiltin = await perNode(builtinPass);
const engineSandboxed = await perNode(enginePinned);

// (b) code node runs -------------------------------------------------------------------------------------
const code = new CodeSandbox();
const codeRuns = [];
for (let i = 0; i < 500; i++) {
  const t0 = process.hrtime.bigint();
  await code.run({ source: 'return { n: input.n + 1 };', input: { n: i }, timeoutMs: 1000 });
  if (i >= 50) codeRuns.push(Number(process.hrtime.bigint() - t0) / 1000);
}
await code.close();

// (c) heap -------------------------------------------------------------------------------------------------
const slotHeap = await (async () => {
  const { default: ivm } = await import('isolated-vm');
  const iso = new ivm.Isolate({ memoryLimit: 128 });
  const context = await iso.createContext();
  await (await iso.compileScript(inspection.bundle)).run(context);
  const stats = await iso.getHeapStatistics();
  iso.dispose();
  return stats.used_heap_size / 1024 / 1024;
})();
await sandbox.close();

const overhead = median(sandboxCalls) - median(builtinCalls);
console.log(`sandbox benchmark (${CALLS} calls; Node ${process.version})`);
console.log(`bundle: ${(inspection.bundleBytes / 1024).toFixed(0)} KiB (SDK + zod included)`);
console.log(`(a) direct execute, median: built-in ${fmt(median(builtinCalls))}, sandboxed ${fmt(median(sandboxCalls))} (p99 ${fmt(pct(sandboxCalls, 0.99))}) → overhead ${fmt(overhead)} (target < 1000 µs: ${overhead < 1000 ? 'met' : 'NOT met'})`);
console.log(`    through the engine, per node in a 50-node chain: built-in ${fmt(engineBuiltin)}, sandboxed ${fmt(engineSandboxed)} → overhead ${fmt(engineSandboxed - engineBuiltin)}`);
console.log('      (each run loads the package into a fresh isolate once, so no module state crosses runs: that load, ~40 ms, is spread over the 50 nodes here)');
console.log(`(b) opening a package (isolate + bundle + describe), median of 7: ${median(opens).toFixed(1)} ms; code node run (fresh context), median: ${fmt(median(codeRuns))}`);
console.log(`(c) heap of a warm package isolate: ${slotHeap.toFixed(1)} MiB`);
