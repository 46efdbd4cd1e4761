// Peer benchmark (issue "Performance", item 4): the same 5-node flow (note → template → condition → template →
// output) and a 50-node chain over HTTP on MedFlow (persistence on), bare Express, and Node-RED when it is present,
// interleaved, repeated, at 1 / 8 / 32 clients. Prints req/s, p50/p99 latency, CPU ms per request and RSS, medians
// over the repetitions, with ratios to MedFlow. Installs nothing: peers are looked for in BENCH_PEERS_DIR (default
// ../peers next to this repository), prepared once with
//   mkdir -p ../peers && cd ../peers && npm init -y && npm install node-red@4
// n8n is not driven by this script (importing a flow needs an owner account and its API); the issue quotes a manual
// measurement. Usage: npm run build && node test/bench/peers/run.mjs   (BENCH_SECONDS, BENCH_REPEAT, BENCH_LOADS)
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_SETUP_TOKEN, benchSession } from '../sign-in.mjs';
import { median, postLoad, spawnNode } from '../shared.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const LOADS = (process.env.BENCH_LOADS ?? '1,8,32').split(',').map(Number);
const peersDir = resolve(process.env.BENCH_PEERS_DIR ?? join(root, '../peers'));
const nodeRedMain = join(peersDir, 'node_modules/node-red/red.js');
const CHAIN = 50;
const note = '昨夜から３８度の発熱と咳嗽。SpO2 96%。';
const work = mkdtempSync(join(tmpdir(), 'medflow-bench-peers-'));

const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); }); });
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const spawnWait = (args, env, pattern, cwd = root) => spawnNode(args, { env, cwd, pattern });

/** Posts for SECONDS with `clients` concurrent clients; checks each answer. */
async function load(system, target, clients) {
  const r = await postLoad({ url: target.url, body: target.body, headers: system.headers, ok: target.ok, clients, seconds: SECONDS, pid: system.pid });
  return { ...r, rss: rssMb(system.pid) };
}

// --- the systems ------------------------------------------------------------------------------------
const medflowChain = {
  name: 'chain', nodes: [{ id: 'note', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } },
    ...Array.from({ length: CHAIN }, (_, i) => ({ id: `t${i}`, type: 'core/template', typeVersion: 1, config: { template: `{{${i ? `t${i - 1}` : 'note'}}}.` } })),
    { id: 'out', type: 'core/json-output', typeVersion: 1, config: { name: 'result' } }],
  edges: [...Array.from({ length: CHAIN }, (_, i) => ({ from: { node: i ? `t${i - 1}` : 'note', port: 'text' }, to: { node: `t${i}`, port: 'vars' } })),
    { from: { node: `t${CHAIN - 1}`, port: 'text' }, to: { node: 'out', port: 'value' } }],
};
const medflowOk = (status, json) => status === 201 && json.run?.status === 'completed' && typeof json.run.outputs?.result === 'string';

async function startMedflow() {
  const { child, match } = await spawnWait(['server/dist/main.js'], { MEDFLOW_PORT: '0', MEDFLOW_DATA_DIR: join(work, `medflow-${Date.now()}`), MEDFLOW_LOG_LEVEL: 'warn', MEDFLOW_SETUP_TOKEN: BENCH_SETUP_TOKEN }, /MedFlow: (http:\/\/\S+)/);
  const url = match[1];
  const { headers } = await benchSession(url);
  const publish = async (document) => {
    const created = await (await fetch(`${url}/api/workflows`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ document }) })).json();
    await fetch(`${url}/api/workflows/${created.workflow.id}/publish`, { method: 'POST', headers });
    return `${url}/api/workflows/${created.workflow.id}/runs?wait=true`;
  };
  const five = await publish(JSON.parse(readFileSync(join(root, 'test/bench/engine/five-node-flow.json'), 'utf8')));
  const chain = await publish(medflowChain);
  const body = JSON.stringify({ inputs: { note } });
  return { name: 'MedFlow (durable)', child, pid: child.pid, headers, five: { url: five, body, ok: medflowOk }, chain: { url: chain, body, ok: medflowOk } };
}

async function startBare() {
  const { child, match } = await spawnWait(['test/bench/engine/bare-express.mjs'], {}, /BARE (http:\/\/\S+)/);
  const body = JSON.stringify({ inputs: { note } });
  const ok = (status, json) => status === 201 && json.run?.status === 'completed';
  return { name: 'bare Express', child, pid: child.pid, headers: {}, five: { url: `${match[1]}/run`, body, ok }, chain: { url: `${match[1]}/chain`, body, ok } };
}

/**
 * Node-RED 4 in memory: http in → template → switch → template → http response, and a 50-template chain. Node ids
 * are prefixed: Node-RED takes any property equal to a node id for a reference to it (`field: "summary"`).
 */
function nodeRedFlows() {
  const tab = { id: 'nr-tab', type: 'tab', label: 'bench' };
  const five = [
    { id: 'nr-in5', type: 'http in', z: 'nr-tab', url: '/run', method: 'post', wires: [['nr-summary']] },
    { id: 'nr-summary', type: 'template', z: 'nr-tab', field: 'summary', fieldType: 'msg', syntax: 'mustache', template: '主訴: {{{payload.inputs.note}}}', output: 'str', wires: [['nr-fever']] },
    { id: 'nr-fever', type: 'switch', z: 'nr-tab', property: 'summary', propertyType: 'msg', rules: [{ t: 'cont', v: '発熱', vt: 'str' }], checkall: 'true', outputs: 1, wires: [['nr-alert']] },
    { id: 'nr-alert', type: 'template', z: 'nr-tab', field: 'payload', fieldType: 'msg', syntax: 'mustache', template: '{"run":{"status":"completed","outputs":{"result":"【要確認】{{{summary}}}"}}}', output: 'json', wires: [['nr-out5']] },
    { id: 'nr-out5', type: 'http response', z: 'nr-tab', statusCode: '201', headers: {}, wires: [] },
  ];
  const chain = [{ id: 'nr-inC', type: 'http in', z: 'nr-tab', url: '/chain', method: 'post', wires: [['nr-c0']] },
    ...Array.from({ length: CHAIN }, (_, i) => ({ id: `nr-c${i}`, type: 'template', z: 'nr-tab', field: 'text', fieldType: 'msg', syntax: 'mustache', template: i ? '{{{text}}}.' : '{{{payload.inputs.note}}}.', output: 'str', wires: [[i < CHAIN - 1 ? `nr-c${i + 1}` : 'nr-wrap']] })),
    { id: 'nr-wrap', type: 'template', z: 'nr-tab', field: 'payload', fieldType: 'msg', syntax: 'mustache', template: '{"run":{"status":"completed","outputs":{"result":"{{{text}}}"}}}', output: 'json', wires: [['nr-outC']] },
    { id: 'nr-outC', type: 'http response', z: 'nr-tab', statusCode: '201', headers: {}, wires: [] }];
  return [tab, ...five, ...chain];
}

async function startNodeRed() {
  const userDir = mkdtempSync(join(work, 'node-red-'));
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(nodeRedFlows()));
  writeFileSync(join(userDir, 'settings.js'), 'module.exports = { flowFile: "flows.json", httpAdminRoot: false, logging: { console: { level: "info" } }, credentialSecret: false, editorTheme: { tours: false } };\n');
  const port = await freePort();
  const { child } = await spawnWait([nodeRedMain, '-u', userDir, '-s', join(userDir, 'settings.js'), '-p', String(port)], {}, /Started flows/i, peersDir);
  const body = JSON.stringify({ inputs: { note } });
  const ok = (status, json) => status === 201 && json.run?.status === 'completed' && typeof json.run.outputs?.result === 'string';
  return { name: 'Node-RED 4 (in memory)', child, pid: child.pid, headers: {}, five: { url: `http://127.0.0.1:${port}/run`, body, ok }, chain: { url: `http://127.0.0.1:${port}/chain`, body, ok } };
}

const systems = [['MedFlow (durable)', startMedflow], ['bare Express', startBare]];
if (existsSync(nodeRedMain)) systems.push(['Node-RED 4 (in memory)', startNodeRed]);
else console.log(`Node-RED: not found at ${nodeRedMain} (see the header of this file); measuring MedFlow and bare Express only`);

// --- interleaved repetitions -------------------------------------------------------------------------
const results = {}; // name → flow → clients → [measurements]
for (let rep = 0; rep < REPEAT; rep++) {
  for (const [name, start] of systems) {
    const system = await start();
    for (const flow of ['five', 'chain']) {
      await load(system, system[flow], 8); // warm-up, discarded
      for (const clients of LOADS) {
        const r = await load(system, system[flow], clients);
        ((results[name] ??= {})[flow] ??= {})[clients] ??= [];
        results[name][flow][clients].push(r);
      }
    }
    system.child.kill('SIGTERM');
    await new Promise((r) => system.child.once('exit', r));
  }
}
rmSync(work, { recursive: true, force: true });

const f = (n, d = 0) => Number(n).toFixed(d);
console.log(`Peer benchmark — node ${process.version}, ${SECONDS} s per pass, median of ${REPEAT} interleaved repetitions`);
for (const flow of ['five', 'chain']) {
  console.log(flow === 'five' ? '5-node flow (note → template → condition → template → output)' : `${CHAIN}-node chain of templates`);
  for (const clients of LOADS) {
    const base = median(results['MedFlow (durable)'][flow][clients].map((r) => r.rps));
    for (const [name] of systems) {
      const rs = results[name][flow][clients];
      const rps = median(rs.map((r) => r.rps));
      console.log(`  ${String(clients).padStart(2)} clients  ${name.padEnd(24)} ${f(rps).padStart(6)} req/s  p50 ${f(median(rs.map((r) => r.p50)), 2).padStart(6)} ms  p99 ${f(median(rs.map((r) => r.p99)), 2).padStart(6)} ms  CPU ${f(median(rs.map((r) => r.cpuPerReq)), 3)} ms/req  RSS ${f(median(rs.map((r) => r.rss)))} MB  errors ${rs.reduce((s, r) => s + r.errors, 0)}  ${name.startsWith('MedFlow') ? '' : `×${f(rps / base, 2)} MedFlow`}`);
    }
  }
}
