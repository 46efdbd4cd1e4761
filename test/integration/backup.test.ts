import { execFile } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config.js';
import { silentLogger } from '../../server/src/logger.js';
import { startServer } from '../../server/src/server.js';
import { Client, createUser, USER_PASSWORD } from '../support/client.js';
import { feverFlow } from '../support/flows.js';
import { CLI_ENTRY } from '../support/process.js';
import { startTestServer } from '../support/server.js';

// Asynchronous: the server under test runs in this process and must keep answering while the CLI runs.
const cli = (args: string[], env: Record<string, string>) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
  execFile(process.execPath, [CLI_ENTRY, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
    resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
  });
});
let dataDir = '';
afterAll(() => { if (dataDir) rmSync(dataDir, { recursive: true, force: true }); });

// Hospital IT's path with the embedded store: back up while the server runs, restore after a mistake.
it('backs up the embedded store while the server runs and restores it after the server stopped', async () => {
  const server = await startTestServer();
  dataDir = server.dataDir;
  const author = await createUser(server.admin, 'backup-author', ['author']);
  const kept = (await author.api('POST', '/api/workflows', { document: feverFlow })).body.workflow;
  const run = (await author.api('POST', `/api/workflows/${kept.id}/runs?wait=true`, { inputs: { note: '発熱あり' }, version: 'draft' })).body.run;
  expect(run.status).toBe('completed');
  const port = new URL(server.url).port;
  const env = { MEDFLOW_DATA_DIR: dataDir, MEDFLOW_PORT: port, MEDFLOW_HOST: '127.0.0.1' };
  const file = join(dataDir, 'backup-1.db');

  const backup = await cli(['backup', file], env);
  expect(backup.status).toBe(0);
  const summary = JSON.parse(backup.stdout);
  expect(summary.counts).toMatchObject({ workflows: 1, runs: 1, users: 2 });
  expect(backup.stderr).toContain('keep the data keys');
  expect(await cli(['backup', file], env)).toMatchObject({ status: 2, stderr: expect.stringContaining('exists') });

  // A change after the backup, and a refused restore while the server still runs.
  await author.api('POST', '/api/workflows', { document: { ...feverFlow, name: 'あとで作った' } });
  expect(await cli(['restore', file], env)).toMatchObject({ status: 2, stderr: expect.stringContaining('stop it before restoring') });
  await server.close();

  writeFileSync(join(dataDir, 'not-a-store.db'), 'garbage');
  expect(await cli(['restore', join(dataDir, 'not-a-store.db')], env)).toMatchObject({ status: 2 });
  const restored = await cli(['restore', file], env);
  expect(restored.status).toBe(0);
  expect(JSON.parse(restored.stdout).previous).toMatch(/medflow\.db\.before-restore-/);
  expect(readdirSync(dataDir).some((f) => f.startsWith('medflow.db.before-restore-'))).toBe(true);

  const again = await startServer(loadConfig({ MEDFLOW_PORT: '0', MEDFLOW_DATA_DIR: dataDir }), silentLogger);
  try {
    const client = new Client(again.url);
    expect((await client.signIn('backup-author', USER_PASSWORD)).status).toBe(200);
    const names = ((await client.api('GET', '/api/workflows')).body.workflows as Array<{ name: string }>).map((w) => w.name);
    expect(names).toEqual([feverFlow.name]);
    // Encrypted run payloads read back with the keys that stayed in the data folder.
    const detail = (await client.api('GET', `/api/runs/${run.id}`)).body;
    expect(detail.run.inputs).toEqual({ note: '発熱あり' });
  } finally {
    await again.close();
  }
  expect(existsSync(join(dataDir, 'medflow.db'))).toBe(true);
});
