import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/src/config.js';
import { silentLogger } from '../../server/src/logger.js';
import { startServer, type RunningServer } from '../../server/src/server.js';
import { Client, setUpAdmin, TEST_SETUP_TOKEN, type AdminClient, type ApiResponse } from './client.js';

/** A real server on a random port over a fresh embedded store, with its first administrator signed in. */
export async function startTestServer(env: Record<string, string> = {}): Promise<RunningServer & { dataDir: string; admin: AdminClient; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'medflow-test-'));
  const config = loadConfig({ MEDFLOW_PORT: '0', MEDFLOW_DATA_DIR: dataDir, MEDFLOW_SETUP_TOKEN: TEST_SETUP_TOKEN, ...env });
  const server = await startServer(config, silentLogger);
  const admin = await setUpAdmin(server.url);
  return {
    ...server, dataDir, admin,
    async stop() { await server.close(); rmSync(dataDir, { recursive: true, force: true }); },
  };
}

/** A request without any session (what an anonymous caller gets). */
export function api(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
  return new Client(base).api(method, path, body, headers);
}
