import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog, hashEvent, type AuditEvent } from '../../server/src/compliance/audit-log.js';
import { COLLECTIONS, SqliteStore } from '../../server/src/store/index.js';
import { createUser } from '../support/client.js';
import { CLI_ENTRY } from '../support/process.js';
import { startTestServer } from '../support/server.js';

// With the server stopped, deleting the last events, changing one and recomputing every later hash, or deleting and
// renumbering all passed `verify`. Events are now sealed with a key the store never holds, the head is sealed on every
// append, and signed checkpoints kept elsewhere catch a trail rolled back whole.
const KEY = randomBytes(32);
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

type Raw = Record<string, unknown> & { id: string };
function openTrail(path: string) {
  const store = new SqliteStore({ path, collections: COLLECTIONS });
  return { store, audit: new AuditLog(store, KEY, { checkpointEvery: 10 }), raw: (name: string) => store.collection<Raw>(name) };
}

async function trailWith(events: number) {
  const dir = mkdtempSync(join(tmpdir(), 'medflow-audit-'));
  dirs.push(dir);
  const path = join(dir, 'medflow.db');
  const first = openTrail(path);
  await first.audit.open();
  for (let i = 1; i <= events; i++) await first.audit.append({ actor: { id: 'u1', username: 'dr' }, action: 'run.view', resource: { type: 'run', id: `r${i}` }, patientData: true, outcome: 'success' });
  const checkpoint = await first.audit.checkpoint();
  await first.store.close();
  // "The server is stopped": what follows is done to the database file directly.
  return { path, checkpoint, reopen: () => openTrail(path) };
}

/** What someone without the key can do: recompute the plain hash chain from `from` on. */
async function rehashFrom(raw: ReturnType<ReturnType<typeof openTrail>['raw']>, from: number) {
  const all = (await raw.find({}, { sort: { field: 'seq', direction: 'asc' }, limit: 10_000 })) as unknown as AuditEvent[];
  let prev = from > 1 ? all[from - 2]!.hash : '0'.repeat(64);
  for (const event of all.slice(from - 1)) {
    const { hash: _h, mac, ...rest } = event;
    const base = { ...rest, prevHash: prev };
    const next = { ...base, hash: hashEvent(base), mac };
    await raw.put(next as unknown as Raw);
    prev = next.hash;
  }
}

describe('audit trail anchoring', () => {
  it('an untouched trail verifies, also against its exported checkpoint', async () => {
    const { checkpoint, reopen } = await trailWith(25);
    const { audit, store } = reopen();
    expect(await audit.open()).toEqual({ state: 'ok' });
    expect(await audit.verify({ checkpoint })).toMatchObject({ ok: true, checked: 25 });
    await store.close();
  });

  it('events deleted from the end: the sealed head names them, and start-up records the finding in the trail', async () => {
    const { reopen } = await trailWith(25);
    const t = reopen();
    for (const seq of [23, 24, 25]) await t.raw('audit_events').delete(String(seq).padStart(12, '0'));
    const opening = await t.audit.open();
    expect(opening).toMatchObject({ state: 'broken', lastSeq: 22, headSeq: 25, reason: expect.stringContaining('removed from the end') });
    const [last] = await t.audit.list({ action: 'audit.integrity' }, 1, 0);
    expect(last).toMatchObject({ outcome: 'failure', details: { headSeq: 25, lastSeq: 22 } });
    await t.store.close();
  });

  it('one event changed and every later hash recomputed: its seal no longer matches', async () => {
    const { reopen } = await trailWith(25);
    const t = reopen();
    const seventh = (await t.raw('audit_events').get('000000000007'))!;
    await t.raw('audit_events').put({ ...seventh, actor: { id: 'u2', username: 'someone-else' } });
    await rehashFrom(t.raw('audit_events'), 7);
    // Even the head record can be re-pointed at the new last hash; its seal cannot be remade.
    const head = (await t.raw('audit_head').get('head'))!;
    await t.raw('audit_head').put({ ...head, hash: ((await t.raw('audit_events').get('000000000025'))!).hash });
    expect((await t.audit.verify()).firstBroken).toEqual({ seq: 7, reason: expect.stringContaining('seal does not match') });
    await t.store.close();
  });

  it('an event deleted and the rest renumbered and re-hashed: caught at the first renumbered event', async () => {
    const { reopen } = await trailWith(25);
    const t = reopen();
    const events = t.raw('audit_events');
    const all = await events.find({}, { sort: { field: 'seq', direction: 'asc' }, limit: 100 });
    for (const e of all) await events.delete(e.id);
    const kept = all.filter((e) => e.seq !== 10).map((e, i) => ({ ...e, seq: i + 1, id: String(i + 1).padStart(12, '0') }));
    for (const e of kept) await events.put(e);
    await rehashFrom(events, 10);
    const result = await t.audit.verify();
    expect(result.ok).toBe(false);
    expect(result.firstBroken!.seq).toBe(10);
    await t.store.close();
  });

  it('the head record deleted, or the whole trail cut back with an older head put back: caught', async () => {
    const { reopen, checkpoint } = await trailWith(25);
    const t = reopen();
    const olderHead = (await t.raw('audit_head').get('head'))!;
    await t.raw('audit_head').delete('head');
    expect(await t.audit.open()).toMatchObject({ state: 'broken', reason: 'the sealed head record is missing' });
    await t.store.close();

    // Cut back to event 20 with the head re-pointed there: the head's seal is for 25, and cannot be remade.
    const u = reopen();
    const events = u.raw('audit_events');
    for (const e of await events.find({}, { limit: 100 })) if ((e.seq as number) > 20) await events.delete(e.id);
    await u.raw('audit_head').put({ ...olderHead, seq: 20, hash: (await events.get('000000000020'))!.hash });
    await u.raw('audit_checkpoints').deleteMany({});
    expect((await u.audit.verify()).firstBroken?.reason).toMatch(/head record's seal does not match/);
    // The checkpoint printed earlier says the same from outside.
    expect((await u.audit.verify({ checkpoint })).ok).toBe(false);
    await u.store.close();
  });

  it('a trail rolled back to an earlier genuine state passes alone, and fails against the checkpoint kept elsewhere', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medflow-audit-'));
    dirs.push(dir);
    const t = openTrail(join(dir, 'medflow.db'));
    await t.audit.open();
    const add = (i: number) => t.audit.append({ actor: null, action: 'run.start', resource: { type: 'run', id: `r${i}` }, patientData: true, outcome: 'success' });
    for (let i = 1; i <= 5; i++) await add(i);
    // A copy of the database as it was at event 5 (head, events and all)…
    const snapshot = { events: await t.raw('audit_events').find({}, { limit: 100 }), head: (await t.raw('audit_head').get('head'))! };
    for (let i = 6; i <= 12; i++) await add(i);
    const kept = await t.audit.checkpoint();
    // …put back later: every stored thing is genuine, only older.
    await t.raw('audit_events').deleteMany({});
    await t.raw('audit_checkpoints').deleteMany({});
    for (const e of snapshot.events) await t.raw('audit_events').put(e);
    await t.raw('audit_head').put(snapshot.head);
    const fresh = new AuditLog(t.store, KEY);
    expect(await fresh.verify()).toMatchObject({ ok: true, checked: 5 });
    expect((await fresh.verify({ checkpoint: kept })).firstBroken).toEqual({ seq: 6, reason: expect.stringContaining('checkpoint') });
    // A checkpoint not signed with this trail's key is refused, not trusted.
    const forged = { ...kept, seq: 3, hash: createHash('sha256').update('x').digest('hex') };
    expect((await fresh.verify({ checkpoint: forged })).firstBroken?.reason).toMatch(/not signed with this trail's key/);
    await t.store.close();
  });

  it('a trail from before sealing is sealed once at start-up when its links hold, then verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medflow-audit-'));
    dirs.push(dir);
    const t = openTrail(join(dir, 'medflow.db'));
    let prev = '0'.repeat(64);
    for (let seq = 1; seq <= 4; seq++) {
      const base = { actor: null, action: 'run.start', patientData: false, outcome: 'success', id: String(seq).padStart(12, '0'), seq, time: new Date().toISOString(), prevHash: prev };
      const hash = hashEvent(base as never);
      await t.raw('audit_events').put({ ...base, hash });
      prev = hash;
    }
    expect(await t.audit.open()).toEqual({ state: 'sealed-existing', events: 4 });
    expect(await t.audit.verify()).toMatchObject({ ok: true, checked: 4 });
    await t.store.close();
  });
});

describe('audit checkpoints through the API and the command line', () => {
  it('an auditor prints a checkpoint; after events are cut from the stopped server\'s database, `medflow audit verify --checkpoint` fails', async () => {
    const server = await startTestServer();
    try {
      const auditor = await createUser(server.admin, 'auditor1', ['auditor']);
      const made = await auditor.api('POST', '/api/audit/checkpoint');
      expect(made.status).toBe(201);
      expect(made.body.checkpoint).toMatchObject({ format: 'medflow-audit-checkpoint/1', seq: expect.any(Number), mac: expect.stringMatching(/^[a-f0-9]{64}$/) });
      expect((await auditor.api('POST', '/api/audit/verify', { checkpoint: made.body.checkpoint })).body).toMatchObject({ ok: true });
      const bad = await auditor.api('POST', '/api/audit/verify', { checkpoint: { ...made.body.checkpoint, hash: 'nope' } });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.error)).toContain('checkpoint.hash');
      // Authors are not auditors.
      const author = await createUser(server.admin, 'author2', ['author']);
      expect((await author.api('POST', '/api/audit/checkpoint')).status).toBe(403);
      await server.close();

      const file = join(server.dataDir, 'checkpoint.json');
      writeFileSync(file, JSON.stringify(made.body.checkpoint));
      const env = { MEDFLOW_DATA_DIR: server.dataDir };
      expect(await cli(['audit', 'verify', '--checkpoint', file], env)).toMatchObject({ code: 0, stdout: expect.stringContaining('"ok": true') });
      const store = new SqliteStore({ path: join(server.dataDir, 'medflow.db'), collections: COLLECTIONS });
      const events = store.collection<Raw>('audit_events');
      const [last] = await events.find({}, { sort: { field: 'seq', direction: 'desc' }, limit: 1 });
      await events.delete(last!.id);
      await store.close();
      const cut = await cli(['audit', 'verify', '--checkpoint', file], env);
      expect(cut.code).toBe(1);
      expect(cut.stderr).toMatch(/audit trail broken at event \d+: .*removed from the end/);
    } finally { rmSync(server.dataDir, { recursive: true, force: true }); }
  });
});

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_ENTRY, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}
