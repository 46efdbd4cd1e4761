import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeTablesDir, NO_COMPLETE_TABLES } from '@medflow/data';
import { createUser, type Client } from '../support/client.js';
import { api, startTestServer } from '../support/server.js';

const dir = completeTablesDir();

describe('code search API on the development subset (no MEDFLOW_CODE_TABLES_DIR)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => { server = await startTestServer(); });
  afterAll(async () => { await server.stop(); });

  it('says loudly that the subset is active, and still searches it', async () => {
    const info = await server.admin.api('GET', '/api/codes/info');
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ kind: 'subset', source: expect.stringContaining('development subset') });
    const found = await server.admin.api('GET', '/api/codes/search?q=%E8%82%BA%E7%82%8E');
    expect(found.body.results[0]).toMatchObject({ code: 'J18.9', system: 'icd10' });
  });

  it('answers bad queries with 400 naming the field, unknown codes with 404, and nobody without a session', async () => {
    const empty = await server.admin.api('GET', '/api/codes/search?q=');
    expect(empty.status).toBe(400);
    expect(empty.body.error.details.problems[0].path).toBe('query.q');
    const system = await server.admin.api('GET', '/api/codes/search?q=a&system=icd9');
    expect(system.status).toBe(400);
    expect(system.body.error.details.problems[0].path).toBe('query.system');
    const unknown = await server.admin.api('GET', '/api/codes/icd10/Z99.9');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('CODE_NOT_FOUND');
    expect((await api(server.url, 'GET', '/api/codes/search?q=a')).status).toBe(401);
    // What people paste into a search box: brackets, regex characters, control characters, a whole sentence.
    for (const q of ['(((', '.*', '\u0000', '肺炎\n高血圧', 'x'.repeat(100)]) {
      const res = await server.admin.api('GET', `/api/codes/search?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      expect(Array.isArray(res.body.results)).toBe(true);
    }
    expect((await server.admin.api('GET', `/api/codes/search?q=${'x'.repeat(101)}`)).body.error.details.problems[0].path).toBe('query.q');
  });
});

describe.skipIf(!dir)(`code search API on the complete tables${dir ? '' : ` (skipped: ${NO_COMPLETE_TABLES})`}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let physician: Client;
  beforeAll(async () => {
    server = await startTestServer({ MEDFLOW_CODE_TABLES_DIR: dir! });
    physician = await createUser(server.admin, 'dr-codes', ['reviewer']);
  });
  afterAll(async () => { await server.stop(); });

  it('reports the active tables with versions and counts', async () => {
    const { body } = await physician.api('GET', '/api/codes/info');
    expect(body).toMatchObject({ kind: 'complete' });
    expect(body.icd10).toBeGreaterThan(12_000);
    expect(body.tables.map((t: { file: string }) => t.file)).toEqual(expect.arrayContaining(['icd10_who.tsv', 'icd11_mms.tsv', 'medis_byomei.tsv', 'manbyo.tsv']));
  });

  it('finds a code by kana, shows its title, ICD-11 counterpart(s) and hierarchy, for a physician correcting a review', async () => {
    const { body } = await physician.api('GET', `/api/codes/search?q=${encodeURIComponent('はいえん')}&system=icd10&limit=5`);
    const pneumonia = body.results.find((r: { code: string }) => r.code === 'J18.9');
    expect(pneumonia).toMatchObject({ title: { ja: '肺炎，詳細不明' }, mapping: 'many' });
    expect(pneumonia.counterparts.map((c: { code: string }) => c.code)).toEqual(['CA40.Z', 'CA40.Y']);
    expect(pneumonia.hierarchy.map((h: { code: string }) => h.code)).toEqual(['J18', 'J09-J18', 'X']);
    const ehec = await physician.api('GET', '/api/codes/icd11/1A03.3');
    expect(ehec.body).toMatchObject({ code: '1A03.3', counterparts: [{ system: 'icd10', code: 'A04.3' }] });
  });
});
