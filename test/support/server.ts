import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/src/config.js';
import { silentLogger } from '../../server/src/logger.js';
import { startServer, type RunningServer } from '../../server/src/server.js';

/** A real server on a random port over a fresh embedded store. */
export async function startTestServer(env: Record<string, string> = {}): Promise<RunningServer & { dataDir: string; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'medflow-test-'));
  const config = loadConfig({ MEDFLOW_PORT: '0', MEDFLOW_DATA_DIR: dataDir, ...env });
  const server = await startServer(config, silentLogger);
  return {
    ...server, dataDir,
    async stop() { await server.close(); rmSync(dataDir, { recursive: true, force: true }); },
  };
}

export async function api(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body instanceof FormData) init.body = body;
  else if (typeof body === 'string') { init.body = body; (init.headers as Record<string, string>)['content-type'] ??= 'application/json'; }
  else if (body !== undefined) { init.body = JSON.stringify(body); (init.headers as Record<string, string>)['content-type'] = 'application/json'; }
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
  return { status: res.status, body: parsed, headers: res.headers };
}
