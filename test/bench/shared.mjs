// What the benchmarks share: order statistics, and the trivial node whose overhead they measure.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { defineNode, port, PortKinds, t, z } from '@medflow/sdk';

export const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
export const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };

/** Passes its input on: the engine benchmark chains it, the sandbox benchmark also runs this very code sandboxed. */
export const passNode = defineNode({
  type: 'bench/pass', version: 1,
  display: { title: t('通過', 'Pass'), category: 'utility', description: t('', '') },
  inputs: { in: port(PortKinds.any, { optional: true }) },
  outputs: { out: port(PortKinds.any) },
  config: z.object({}),
  async execute(_ctx, { in: value }) { return { out: value ?? 0 }; },
});

/** The same node declared replay-safe (pure, nothing outside the run), as the built-in template/condition nodes are. */
export const replaySafePassNode = defineNode({ ...passNode, type: 'bench/pass-safe', replaySafe: true });

/** Starts a Node.js process and resolves once its output (stdout or stderr) matches `pattern`. */
export function spawnNode(args, { env = {}, cwd, pattern, timeoutMs = 60_000 }) {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start: ${out.slice(-500)}`)), timeoutMs);
    const look = (c) => { out += c; const m = pattern.exec(out); if (m) { clearTimeout(timer); resolve({ child, match: m }); } };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${args[0]} exited ${code}: ${out.slice(-500)}`)); });
  });
}

/** CPU milliseconds a process has used so far (user + system, from /proc). */
export const cpuMsOf = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };

/**
 * POSTs `body` to `url` for `seconds` with `clients` concurrent clients, each answer checked by `ok(status, json)`.
 * With `pid`, also the server's CPU milliseconds per request.
 */
export async function postLoad({ url, body, headers = {}, ok, clients, seconds, pid }) {
  const latencies = [];
  let errors = 0;
  const cpu0 = pid ? cpuMsOf(pid) : 0;
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < deadline) {
      const s = performance.now();
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
        if (!ok(res.status, await res.json())) errors++;
      } catch { errors++; }
      latencies.push(performance.now() - s);
    }
  }));
  const elapsed = (performance.now() - t0) / 1000;
  return { rps: latencies.length / elapsed, p50: pct(latencies, 0.5), p99: pct(latencies, 0.99), n: latencies.length, errors, ...(pid ? { cpuPerReq: (cpuMsOf(pid) - cpu0) / latencies.length } : {}) };
}
