import { describe, expect, it } from 'vitest';
import { canConnect, defineNode, definePortKind, describeNode, MedflowError, PortKinds, port, sniffMediaType, t, toErrorInfo, z } from './index.js';

describe('port kinds', () => {
  it('lets narrower kinds flow into wider ports, never the other way', () => {
    const icd = definePortKind({ name: 'icd-codes', title: t('ICDコード', 'ICD codes'), parent: PortKinds.json, schema: z.array(z.string()) });
    expect(canConnect(PortKinds.image, PortKinds.file)).toBe(true);
    expect(canConnect(PortKinds.file, PortKinds.image)).toBe(false);
    expect(canConnect(icd, PortKinds.json)).toBe(true);
    expect(canConnect(icd, PortKinds.text)).toBe(false);
    expect(canConnect(PortKinds.text, PortKinds.any)).toBe(true);
    expect(() => definePortKind({ name: 'Bad Kind', title: t('', ''), schema: z.string() })).toThrow(/kebab-case/);
  });
});

describe('defineNode', () => {
  const base = {
    type: 'demo/upper', version: 1,
    display: { title: t('大文字', 'Upper'), category: 'text' as const, description: t('', '') },
    inputs: { text: port(PortKinds.text) }, outputs: { text: port(PortKinds.text) },
    config: z.object({ times: z.number().int().min(1).default(1) }),
    async execute() { return {}; },
  };

  it('rejects malformed declarations at load time', () => {
    expect(() => defineNode({ ...base, type: 'Upper' })).toThrow(/namespace\/name/);
    expect(() => defineNode({ ...base, version: 0 })).toThrow(/positive integer/);
    expect(() => defineNode({ ...base, outputs: { 'bad-name': port(PortKinds.text) } })).toThrow(/not an identifier/);
    expect(() => defineNode({ ...base, role: 'input' })).toThrow(/runInput/);
  });

  it('describes a node as JSON with its config as JSON Schema (defaults optional) and default capabilities', () => {
    const d = describeNode(defineNode(base), { latest: true });
    expect(d.configSchema).toMatchObject({ type: 'object', properties: { times: { type: 'integer', minimum: 1, default: 1 } } });
    expect((d.configSchema as { required?: string[] }).required ?? []).not.toContain('times');
    expect(d.capabilities).toEqual({ egress: 'none', networkHosts: [], gpu: 'none', phi: 'passes', ai: 'none' });
    expect(d.inputs.text).toEqual({ kind: 'text', lineage: ['text', 'any'], optional: false, multiple: false });
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });
});

describe('errors', () => {
  it('serialise with code, category and details; unknown throwables become SYSTEM errors', () => {
    const e = new MedflowError({ code: 'MODEL_NOT_FOUND', category: 'USER', message: 'missing', details: { directory: '/models' } });
    expect(toErrorInfo(e)).toEqual({ code: 'MODEL_NOT_FOUND', category: 'USER', message: 'missing', details: { directory: '/models' }, retryable: false });
    expect(toErrorInfo(new TypeError('boom'))).toMatchObject({ code: 'INTERNAL_ERROR', category: 'SYSTEM', message: 'boom' });
    expect(toErrorInfo({ weird: true })).toMatchObject({ category: 'SYSTEM', message: 'non-Error thrown: {"weird":true}' });
    expect(toErrorInfo(undefined).message).toContain('undefined');
  });
});

describe('sniffMediaType', () => {
  const cases: Array<[string, string]> = [
    ['89504e470d0a1a0a', 'image/png'], ['ffd8ffe000104a46', 'image/jpeg'], ['49492a0008000000', 'image/tiff'],
    ['255044462d312e37', 'application/pdf'], ['52494646000000005741564566', 'audio/wav'], ['4944330400000000', 'audio/mpeg'],
    ['4f67675300020000', 'audio/ogg'], ['1a45dfa301000000', 'audio/webm'], ['0000002066747970 4d344120'.replace(' ', ''), 'audio/mp4'],
    ['4d5a900003000000', 'application/octet-stream'],
  ];
  it.each(cases)('%s → %s', (hex, type) => {
    expect(sniffMediaType(new Uint8Array(Buffer.from(hex, 'hex'))).mediaType).toBe(type);
  });
});
