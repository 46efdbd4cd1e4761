// Engine benchmark (issue #2). Prints:
//  (a) engine overhead per node, median, for a 50-node chain of trivial nodes (no persistence, and with SQLite);
//  (b) runs/s and p50/p99 latency of an HTTP-triggered 5-node workflow under a bounded local load, with run
//      persistence on, against a bare Express handler doing the same work;
//  (c) server RSS.
// Usage: npm run bench  (builds first). Env: BENCH_SECONDS (default 10), BENCH_CONCURRENCY (default 8).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine, NodeRegistry, NullJournal } from '../../../server/dist/engine/index.js';
import { StoreJournal } from '../../../server/dist/runs/store-journal.js';
import { COLLECTIONS, SqliteStore } from '../../../server/dist/store/index.js';
import { BENCH_SETUP_TOKEN, benchSession } from '../sign-in.mjs';
import { median, passNode, pct, postLoad, replaySafePassNode, spawnNode } from '../shared.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const root = fileURLToPath(new URL('../../../', import.meta.url));

// (a) ------------------------------------------------------------------------------------------------
const chainOf = (type) => ({
  name: 'chain50',
  nodes: Array.from({ length: 50 }, (_, i) => ({ id: `n${i}`, type, typeVersion: 1, config: {} })),
  edges: Array.from({ length: 49 }, (_, i) => ({ from: { node: `n${i}`, port: 'out' }, to: { node: `n${i + 1}`, port: 'in' } })),
});

async function perNodeOverhead(journal, runs, chain = chainOf('bench/pass')) {
  const engine = new Engine({ registry: new NodeRegistry().register(passNode).register(replaySafePassNode), journal });
  const samples = [];
  for (let i = 0; i < runs + 20; i++) {
    const t0 = process.hrtime.bigint();
    const { done } = await engine.start(chain, {});
    const run = await done;
    if (run.status !== 'completed') throw new Error(`chain run ${run.status}`);
    if (i >= 20) samples.push(Number(process.hrtime.bigint() - t0) / 1000 / 50); // µs per node, after warm-up
  }
  return { median: median(samples), p99: pct(samples, 0.99) };
}

const benchDir = mkdtempSync(join(tmpdir(), 'medflow-bench-'));
const memory = await perNodeOverhead(new NullJournal(), 300);
const sqlite = new SqliteStore({ path: join(benchDir, 'chain.db'), collections: COLLECTIONS });
const persisted = await perNodeOverhead(new StoreJournal(sqlite), 100);
const persistedSafe = await perNodeOverhead(new StoreJournal(sqlite), 100, chainOf('bench/pass-safe'));
await sqlite.close();

// (b) + (c) ----------------------------------------------------------------------------------------
const spawnAndWait = (args, env, pattern) => spawnNode(args, { env, cwd: root, pattern }).then(({ child, match }) => ({ child, url: match[1] }));
const completedWithResult = (status, json) => status === 201 && json.run?.status === 'completed' && !!json.run.outputs?.result;
const load = (url, body, headers = {}) => postLoad({ url, body, headers, ok: completedWithResult, clients: CONCURRENCY, seconds: SECONDS });

const rss = (pid) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)[1]);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
};

const body = JSON.stringify({ inputs: { note: '昨夜から３８度の発熱と咳嗽。SpO2 96%。' } });
const ours = await spawnAndWait(['server/dist/main.js'], { MEDFLOW_PORT: '0', MEDFLOW_DATA_DIR: join(benchDir, 'server'), MEDFLOW_LOG_LEVEL: 'warn', MEDFLOW_SETUP_TOKEN: BENCH_SETUP_TOKEN }, /MedFlow: (http:\/\/\S+)/);
const idleRss = rss(ours.child.pid);
const flow = JSON.parse(readFileSync(join(root, 'test/bench/engine/five-node-flow.json'), 'utf8'));
const { headers: auth } = await benchSession(ours.url);
const created = await (await fetch(`${ours.url}/api/workflows`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ document: flow }) })).json();
await fetch(`${ours.url}/api/workflows/${created.workflow.id}/publish`, { method: 'POST', headers: auth });
const runsUrl = `${ours.url}/api/workflows/${created.workflow.id}/runs?wait=true`;
// Each run: session check, CSRF check, permission, audit event (hash-chained), encrypted checkpoints.
await load(runsUrl, body, auth); // warm-up pass is discarded
const oursResult = await load(runsUrl, body, auth);
const loadedRss = rss(ours.child.pid);
ours.child.kill('SIGTERM');

const bare = await spawnAndWait(['test/bench/engine/bare-express.mjs'], {}, /BARE (http:\/\/\S+)/);
await load(`${bare.url}/run`, body);
const bareResult = await load(`${bare.url}/run`, body);
bare.child.kill('SIGTERM');
rmSync(benchDir, { recursive: true, force: true });

const f = (n, d = 1) => n.toFixed(d);
console.log(`MedFlow engine benchmark — node ${process.version}, ${SECONDS}s per HTTP pass, ${CONCURRENCY} concurrent clients`);
console.log('(a) engine overhead per node, 50-node chain of trivial nodes');
console.log(`    no persistence:         median ${f(memory.median)} µs/node (p99 ${f(memory.p99)})   target < 200 µs`);
console.log(`    SQLite checkpoints on:  median ${f(persisted.median)} µs/node (p99 ${f(persisted.p99)})   each checkpoint awaited`);
console.log(`      replay-safe nodes:    median ${f(persistedSafe.median)} µs/node (p99 ${f(persistedSafe.p99)})   target ≤ 50 µs (checkpoints join the group commit)`);
console.log('(b) HTTP-triggered 5-node workflow (text → template → condition → template → output), ?wait=true, persistence on');
console.log(`    MedFlow:      ${f(oursResult.rps)} runs/s   p50 ${f(oursResult.p50, 2)} ms   p99 ${f(oursResult.p99, 2)} ms   (${oursResult.n} runs, ${oursResult.errors} errors)`);
console.log(`    bare Express: ${f(bareResult.rps)} req/s   p50 ${f(bareResult.p50, 2)} ms   p99 ${f(bareResult.p99, 2)} ms   (${bareResult.n} requests, ${bareResult.errors} errors)`);
console.log(`    ratio bare/MedFlow throughput: ${f(bareResult.rps / oursResult.rps, 2)}×   target ≤ 3×`);
console.log('(c) server memory');
console.log(`    RSS idle ${f(idleRss.rssMb)} MB, after load ${f(loadedRss.rssMb)} MB, peak ${f(loadedRss.peakMb)} MB`);
if (oursResult.errors || bareResult.errors) process.exitCode = 1;
