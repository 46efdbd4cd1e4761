import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTRACT_COLLECTIONS, describeStoreContract } from '../testing/store-contract.js';
import { SqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'medflow-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStoreContract('embedded (SQLite file)', async () => new SqliteStore({ path: join(dir, 'contract.db'), collections: CONTRACT_COLLECTIONS }));

describe('embedded store durability', () => {
  it('keeps every acknowledged write when the writing process is killed with SIGKILL', async () => {
    const path = join(dir, 'kill.db');
    const built = fileURLToPath(new URL('../../dist/store/sqlite-store.js', import.meta.url));
    // The child writes through the built adapter (npm test builds first) and prints each id once its write resolved.
    const child = spawn(process.execPath, ['--input-type=module', '-e', `
      const { SqliteStore } = await import(${JSON.stringify(built)});
      const store = new SqliteStore({ path: ${JSON.stringify(path)}, collections: { things: { indexes: [] } } });
      const c = store.collection('things');
      for (let i = 0; ; i++) { await c.put({ id: 'w' + i, payload: 'x'.repeat(2000) }); process.stdout.write('w' + i + '\\n'); }
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked: string[] = [];
    let buffer = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        acked.push(...lines);
        if (acked.length >= 2000 && !child.killed) { child.kill('SIGKILL'); }
      });
      child.on('exit', () => resolve());
    });
    expect(acked.length).toBeGreaterThanOrEqual(2000);
    const store = new SqliteStore({ path, collections: { things: { indexes: [] } } });
    const c = store.collection<{ id: string }>('things');
    const missing: string[] = [];
    for (const id of acked) if (!(await c.get(id))) missing.push(id);
    await store.close();
    expect(missing).toEqual([]);
  });
});
