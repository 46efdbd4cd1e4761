import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defineNode, port, PortKinds, t, z, type AnyNodeDefinition } from '@medflow/sdk';
import { builtinNodes } from '@medflow/nodes-builtin';
import { COLLECTIONS } from '../store/collections.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { AuditLog, canonicalJson } from './audit-log.js';
import { checkEgress } from './egress-policy.js';
import { EncryptedStore, reencryptAll } from './encrypted-store.js';
import { Keyring } from './keyring.js';

const memoryStore = () => new SqliteStore({ path: ':memory:', collections: COLLECTIONS });

describe('audit chain', () => {
  it('links every event to the previous hash and names the first altered or missing one', async () => {
    const store = memoryStore();
    const audit = new AuditLog(store, randomBytes(32));
    await Promise.all(Array.from({ length: 20 }, (_, i) => audit.append({ actor: { id: 'u', username: 'dr' }, action: 'run.view', resource: { type: 'run', id: `r${i}` }, patientData: true, outcome: 'success' })));
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 20 });
    const raw = store.collection<Record<string, unknown> & { id: string }>('audit_events');
    const seventh = (await raw.get('000000000007'))!;
    await raw.put({ ...seventh, actor: { id: 'u', username: 'someone-else' } });
    expect((await audit.verify()).firstBroken).toEqual({ seq: 7, reason: expect.stringContaining('altered') });
    await raw.put(seventh);
    await raw.delete('000000000012');
    expect((await audit.verify()).firstBroken?.seq).toBe(12);
    await store.close();
  });

  it('hashes canonical JSON, independent of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
  });
});

describe('encryption at rest', () => {
  const keyring = (id = 'k1') => new Keyring([{ id, key: randomBytes(32) }], { kind: 'env' });

  it('stores run payloads and blobs sealed, reads them back, and re-encrypts after rotation', async () => {
    const raw = memoryStore();
    const holder = { keyring: keyring() };
    const store = new EncryptedStore(raw, holder);
    await store.collection('runs').put({ id: 'r1', status: 'completed', createdAt: 'x', inputs: { note: '山田太郎 肺炎' }, outputs: { o: 1 } } as never);
    const blob = await store.blobs.put(Buffer.from('診療録 スキャン'), { name: 'a.png', mediaType: 'image/png' });
    const stored = JSON.stringify(await raw.collection('runs').get('r1'));
    expect(stored).not.toContain('山田');
    expect(stored).toContain('"status":"completed"');
    expect(await store.collection('runs').get('r1')).toMatchObject({ inputs: { note: '山田太郎 肺炎' } });
    expect(Buffer.from((await store.blobs.get(blob.id))!).toString()).toBe('診療録 スキャン');

    const oldKey = holder.keyring.keys[0]!;
    holder.keyring = new Keyring([{ id: 'k2', key: randomBytes(32) }, oldKey], { kind: 'env' });
    expect(await store.collection('runs').get('r1')).toMatchObject({ inputs: { note: '山田太郎 肺炎' } });
    expect(await reencryptAll(store, () => false)).toMatchObject({ reencrypted: 1, blobs: 1 });
    expect(JSON.stringify(await raw.collection('runs').get('r1'))).toContain('"kid":"k2"');
    holder.keyring = new Keyring([holder.keyring.keys[0]!], { kind: 'env' }); // the old key retired
    expect(await store.collection('runs').get('r1')).toMatchObject({ inputs: { note: '山田太郎 肺炎' } });
    expect(Buffer.from((await store.blobs.get(blob.id))!).toString()).toBe('診療録 スキャン');
    await raw.close();
  });

  it('refuses a ciphertext moved to another record, and names a missing key', async () => {
    const raw = memoryStore();
    const holder = { keyring: keyring() };
    const store = new EncryptedStore(raw, holder);
    await store.collection('runs').put({ id: 'a', inputs: { note: 'A' } } as never);
    const sealed = (await raw.collection<{ id: string; inputs: unknown }>('runs').get('a'))!;
    await raw.collection('runs').put({ ...sealed, id: 'b' });
    await expect(store.collection('runs').get('b')).rejects.toThrow(/authenticate/);
    holder.keyring = keyring('other');
    await expect(store.collection('runs').get('a')).rejects.toThrow(/key "k1", which is not configured/);
    await raw.close();
  });
});

describe('egress policy', () => {
  const redactor = defineNode({
    type: 'test/redact', version: 1, display: { title: t('匿名化', 'Redact'), category: 'medical', description: t('', '') },
    inputs: { text: port(PortKinds.text) }, outputs: { text: port(PortKinds.text) }, config: z.object({}),
    capabilities: { phi: 'redacts' }, async execute(_c, { text }) { return { text }; },
  }) as unknown as AnyNodeDefinition;
  const defs = [...builtinNodes, redactor];
  const lookup = (type: string, version: number) => defs.find((d) => d.type === type && d.version === version);
  const flow = (viaRedactor: boolean, url = 'https://cloud.example.com/api') => ({
    name: 'send', edges: viaRedactor
      ? [{ from: { node: 'note', port: 'text' }, to: { node: 'redact', port: 'text' } }, { from: { node: 'redact', port: 'text' }, to: { node: 'send', port: 'vars' } }]
      : [{ from: { node: 'note', port: 'text' }, to: { node: 'tpl', port: 'vars' } }, { from: { node: 'tpl', port: 'text' }, to: { node: 'send', port: 'vars' } }],
    nodes: [
      { id: 'note', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } },
      { id: 'tpl', type: 'core/template', typeVersion: 1, config: { template: '{{note}}' } },
      { id: 'redact', type: 'test/redact', typeVersion: 1, config: {} },
      { id: 'send', type: 'core/http-request', typeVersion: 1, config: { url } },
    ],
  });

  it('by default refuses any external egress, and allows hosts declared internal', () => {
    expect(checkEgress(flow(true), lookup, { mode: 'deny-external', internalHosts: [] }).map((p) => p.code)).toEqual(['EGRESS_FORBIDDEN']);
    expect(checkEgress(flow(false, 'http://his.hospital.local/notes'), lookup, { mode: 'deny-external', internalHosts: ['his.hospital.local'] })).toEqual([]);
  });

  it('with redacted-only, refuses unredacted patient data and names the path it would take', () => {
    const [problem] = checkEgress(flow(false), lookup, { mode: 'redacted-only', internalHosts: [] });
    expect(problem).toMatchObject({ code: 'EGRESS_PHI_TAINTED', nodeId: 'send' });
    expect(problem!.message).toContain('テキスト入力 (note) → テンプレート (tpl) → HTTP送信 (send)');
    expect(checkEgress(flow(true), lookup, { mode: 'redacted-only', internalHosts: [] })).toEqual([]);
  });
});
