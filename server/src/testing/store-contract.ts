import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentStore } from '../store/index.js';

/** Test collections: the suite runs against any adapter opened with these. */
export const CONTRACT_COLLECTIONS = {
  things: { indexes: ['kind', 'n', 'flag', 'meta.owner'] },
};

interface Thing { id: string; kind: string; n: number; flag?: boolean; meta?: { owner: string }; body?: unknown }

/** One behaviour suite for every DocumentStore adapter (embedded and MongoDB). */
export function describeStoreContract(name: string, open: () => Promise<DocumentStore>): void {
  describe(`DocumentStore contract: ${name}`, () => {
    let store: DocumentStore;
    beforeAll(async () => { store = await open(); });
    afterAll(async () => { await store?.close(); });
    const things = () => store.collection<Thing>('things');

    it('puts, gets, replaces and deletes documents, keeping every value exactly', async () => {
      const body = { $ref: '#/defs/x', 'a.b': 1, 日本語: '肺炎（疑い）', nested: [1, null, { deep: true }], emptyObj: {} };
      await things().put({ id: 't1', kind: 'a', n: 1, body });
      expect(await things().get('t1')).toEqual({ id: 't1', kind: 'a', n: 1, body });
      await things().put({ id: 't1', kind: 'a', n: 2 });
      expect(await things().get('t1')).toEqual({ id: 't1', kind: 'a', n: 2 });
      expect(await things().delete('t1')).toBe(true);
      expect(await things().delete('t1')).toBe(false);
      expect(await things().get('t1')).toBeUndefined();
    });

    it('refuses to insert an existing id with a CONFLICT error', async () => {
      await things().insert({ id: 'dup', kind: 'a', n: 1 });
      await expect(things().insert({ id: 'dup', kind: 'b', n: 2 })).rejects.toMatchObject({ code: 'CONFLICT' });
      expect((await things().get('dup'))!.kind).toBe('a');
    });

    it('finds by index fields, with $in, null, booleans, nested fields, sorting, limit and skip', async () => {
      await things().deleteMany({});
      for (let i = 0; i < 10; i++) {
        await things().put({ id: `f${i}`, kind: i % 2 ? 'odd' : 'even', n: i, flag: i < 3, meta: { owner: i < 5 ? 'sato' : 'suzuki' } });
      }
      await things().put({ id: 'nokind', kind: 'x', n: 100 });
      expect((await things().find({ kind: 'odd' }, { sort: { field: 'n', direction: 'asc' } })).map((t) => t.n)).toEqual([1, 3, 5, 7, 9]);
      expect((await things().find({ kind: { $in: ['odd', 'x'] } }, { sort: { field: 'n', direction: 'desc' }, limit: 2 })).map((t) => t.id)).toEqual(['nokind', 'f9']);
      expect((await things().find({}, { sort: { field: 'n', direction: 'asc' }, skip: 8, limit: 2 })).map((t) => t.n)).toEqual([8, 9]);
      expect(await things().count({ flag: true })).toBe(3);
      expect(await things().count({ flag: null })).toBe(1);
      expect(await things().count({ 'meta.owner': 'suzuki' })).toBe(5);
      expect(await things().count()).toBe(11);
    });

    it('finds by id prefix without an index, in id order', async () => {
      await things().deleteMany({});
      for (const id of ['run1/b', 'run1/a', 'run10/a', 'run2/a', 'run1']) await things().put({ id, kind: 'p', n: 0 });
      expect((await things().find({}, { idPrefix: 'run1/', sort: { field: 'id', direction: 'asc' } })).map((t) => t.id)).toEqual(['run1/a', 'run1/b']);
      expect((await things().find({ kind: 'p' }, { idPrefix: 'run1/', sort: { field: 'id', direction: 'desc' }, limit: 1 })).map((t) => t.id)).toEqual(['run1/b']);
    });

    it('refuses queries on fields that are not indexes', async () => {
      await expect(things().find({ body: 'x' } as never)).rejects.toMatchObject({ code: 'STORE_FIELD_NOT_INDEXED' });
    });

    it('replaces only when the current document matches (compare-and-set): one of two racers wins', async () => {
      await things().put({ id: 'cas', kind: 'waiting', n: 0 });
      const results = await Promise.all([
        things().replaceIf('cas', { kind: 'waiting' }, { id: 'cas', kind: 'approved', n: 1 }),
        things().replaceIf('cas', { kind: 'waiting' }, { id: 'cas', kind: 'rejected', n: 2 }),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(['approved', 'rejected']).toContain((await things().get('cas'))!.kind);
      expect(await things().replaceIf('missing', {}, { id: 'missing', kind: 'a', n: 0 })).toBe(false);
    });

    it('deletes many by filter and reports the count', async () => {
      await things().deleteMany({});
      for (let i = 0; i < 4; i++) await things().put({ id: `d${i}`, kind: i < 3 ? 'old' : 'new', n: i });
      expect(await things().deleteMany({ kind: 'old' })).toBe(3);
      expect((await things().find()).map((t) => t.id)).toEqual(['d3']);
    });

    it('stores blobs by content hash, once, and returns the same bytes', async () => {
      const bytes = new Uint8Array(randomBytes(300_000));
      const a = await store.blobs.put(bytes, { name: 'scan.png', mediaType: 'image/png' });
      const b = await store.blobs.put(bytes, { name: 'again.png', mediaType: 'image/png' });
      expect(a).toEqual(b);
      expect(a.id).toMatch(/^[a-f0-9]{64}$/);
      expect(Buffer.from((await store.blobs.get(a.id))!).equals(Buffer.from(bytes))).toBe(true);
      expect(await store.blobs.get('0'.repeat(64))).toBeUndefined();
      expect(await store.blobs.delete(a.id)).toBe(true);
      expect(await store.blobs.get(a.id)).toBeUndefined();
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
