// Editor benchmark (issue #3), in Debian's Chromium against a real server. Prints:
//  (a) time to interactive of the editor page with a 200-node workflow (navigation → nodes rendered and
//      the main thread idle), median of several loads;
//  (b) frame times while panning that workflow (median, p95, share of frames over 33 ms);
//  (c) bundle size of editor/dist (raw and gzip).
// Usage: npm run bench:editor (builds first). Headless Chromium renders in software (--disable-gpu) on
// this machine, so frame times are an upper bound for a workstation with a GPU.
import { BENCH_SETUP_TOKEN, benchSession } from '../sign-in.mjs';
import { readdirSync, readFileSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { pct } from '../shared.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const LOADS = Number(process.env.BENCH_LOADS ?? 5);

// (c) bundle ------------------------------------------------------------------------------------------
const assets = join(root, 'editor/dist/assets');
let raw = 0, gz = 0;
for (const f of readdirSync(assets).filter((f) => /\.(js|css)$/.test(f))) {
  const bytes = readFileSync(join(assets, f));
  raw += statSync(join(assets, f)).size;
  gz += gzipSync(bytes).length;
}

// a 200-node workflow: one input, 197 templates in 10 parallel chains, a merge and an output
function bigFlow() {
  const nodes = [{ id: 'note', type: 'core/text-input', typeVersion: 1, config: { name: 'note' }, position: { x: 0, y: 0 } }];
  const edges = [];
  const chains = 10;
  let last = [];
  for (let i = 0; i < 197; i++) {
    const chain = i % chains, step = Math.floor(i / chains);
    const id = `t${i}`;
    const prev = step === 0 ? 'note' : `t${i - chains}`;
    nodes.push({ id, type: 'core/template', typeVersion: 1, config: { template: `{{${prev}}} ${i}` }, position: { x: 280 * (step + 1), y: 140 * chain } });
    edges.push({ from: { node: prev, port: step === 0 ? 'text' : 'text' }, to: { node: id, port: 'vars' } });
    if (step === Math.floor(196 / chains) || i >= 197 - chains) last.push(id);
  }
  last = [...new Set(last)].slice(-chains);
  nodes.push({ id: 'join', type: 'core/merge', typeVersion: 1, config: { mode: 'array' }, position: { x: 6000, y: 600 } });
  nodes.push({ id: 'out', type: 'core/json-output', typeVersion: 1, config: {}, position: { x: 6300, y: 600 } });
  for (const id of last) edges.push({ from: { node: id, port: 'text' }, to: { node: 'join', port: 'in' } });
  edges.push({ from: { node: 'join', port: 'value' }, to: { node: 'out', port: 'value' } });
  return { name: '200ノード', nodes, edges };
}

const dataDir = mkdtempSync(join(tmpdir(), 'medflow-bench-editor-'));
const server = spawn(process.execPath, ['server/dist/main.js'], { cwd: root, env: { ...process.env, MEDFLOW_PORT: '0', MEDFLOW_DATA_DIR: dataDir, MEDFLOW_LOG_LEVEL: 'warn', MEDFLOW_SETUP_TOKEN: BENCH_SETUP_TOKEN }, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve) => { let out = ''; server.stdout.on('data', (c) => { out += c; const m = /MedFlow: (http:\/\/\S+)/.exec(out); if (m) resolve(m[1]); }); });
const flow = bigFlow();
const session = await benchSession(url);
const created = await (await fetch(`${url}/api/workflows`, { method: 'POST', headers: { 'content-type': 'application/json', ...session.headers }, body: JSON.stringify({ document: flow }) })).json();
if (!created.analysis?.valid) throw new Error(`benchmark workflow invalid: ${JSON.stringify(created.analysis?.problems ?? created).slice(0, 500)}`);

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
await context.addCookies([{ name: 'medflow_session', value: session.token, url }]);

// (a) time to interactive ------------------------------------------------------------------------------
const tti = [];
for (let i = 0; i < LOADS; i++) {
  const page = await context.newPage();
  const t0 = Date.now();
  await page.goto(`${url}/#/workflows/${created.workflow.id}`);
  await page.waitForSelector('.react-flow__node');
  // Interactive: the main thread answers within a frame (no long task pending).
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
  tti.push(Date.now() - t0);
  await page.close();
}

// (b) panning ----------------------------------------------------------------------------------------
const page = await context.newPage();
await page.goto(`${url}/#/workflows/${created.workflow.id}`);
await page.waitForSelector('.react-flow__node');
await page.evaluate(() => { window.__frames = []; let last = performance.now(); const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__recording) requestAnimationFrame(tick); }; window.__recording = true; requestAnimationFrame(tick); });
const pane = await page.locator('.react-flow__pane').boundingBox();
const cx = pane.x + pane.width / 2, cy = pane.y + pane.height / 2;
await page.mouse.move(cx, cy);
await page.mouse.down();
for (let i = 0; i < 120; i++) await page.mouse.move(cx - 400 * Math.sin(i / 20), cy - 150 * Math.cos(i / 15), { steps: 1 });
await page.mouse.up();
const frames = await page.evaluate(() => { window.__recording = false; return window.__frames.slice(2); });
const rendered = await page.locator('.react-flow__node').count();
await browser.close();
server.kill('SIGTERM');
rmSync(dataDir, { recursive: true, force: true });

const f = (n, d = 1) => n.toFixed(d);
console.log(`MedFlow editor benchmark — Chromium headless (software rendering), ${LOADS} loads, workflow of ${flow.nodes.length} nodes / ${flow.edges.length} edges`);
console.log(`(a) time to interactive: median ${pct(tti, 0.5)} ms (min ${Math.min(...tti)}, max ${Math.max(...tti)})`);
console.log(`(b) panning: ${frames.length} frames, median ${f(pct(frames, 0.5))} ms, p95 ${f(pct(frames, 0.95))} ms, ${f(100 * frames.filter((x) => x > 33.4).length / frames.length)}% over 33 ms; ${rendered} nodes in the DOM (only visible ones are rendered)`);
console.log(`(c) bundle: ${f(raw / 1024)} KiB raw, ${f(gz / 1024)} KiB gzip (JS + CSS)`);
