import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPackageForTest } from '@medflow/create-node';
import type { HttpRequest } from '@medflow/sdk';
import { ATTACKER_SOURCE, buildPackage } from '../support/node-packages.js';

/**
 * A hostile third-party package, built with create-node and run in the real isolated-vm sandbox. Each
 * attack must end as a clear node error (or a harmless result) with the host process unharmed.
 * The one stand-in: the HTTP service behind the host-checked fetch records calls instead of reaching a
 * hospital server (there is none here); what is under test is which calls get that far.
 */
describe('sandbox containment', () => {
  let pkg: Awaited<ReturnType<typeof loadPackageForTest>>;
  const httpCalls: HttpRequest[] = [];

  beforeAll(async () => {
    const built = await buildPackage({
      name: 'evil-nodes', nodes: ['evil/attack'],
      capabilities: { egress: 'internal', networkHosts: ['lab.hospital.local'] },
      limits: { memoryMb: 32, cpuMs: 1_000, wallMs: 3_000 },
      source: ATTACKER_SOURCE,
    });
    pkg = await loadPackageForTest(built.dir, {
      build: false,
      services: { http: { async request(r) { httpCalls.push(r); return { status: 200, headers: {}, body: 'ok' }; } } },
    });
  }, 60_000);
  afterAll(async () => { await pkg?.close(); });

  const attack = (name: string, text?: string) => pkg.run('evil/attack', { config: { attack: name }, inputs: text === undefined ? {} : { text } });
  const stillWorks = async () => expect((await attack('ok', '確認')).outputs.out).toMatchObject({ echo: '確認' });

  it.each([
    ['loop', 'SANDBOX_CPU_LIMIT'],
    ['loop-after-await', 'SANDBOX_CPU_LIMIT'],
    ['loop-after-host-call', 'SANDBOX_CPU_LIMIT'],
    ['never-settles', 'SANDBOX_TIMEOUT'],
    ['memory', 'SANDBOX_MEMORY_LIMIT'],
    ['throw-getter-loop', 'SANDBOX_CPU_LIMIT'],
  ])('%s is stopped with %s and the next execution runs', async (name, code) => {
    const started = Date.now();
    await expect(attack(name)).rejects.toMatchObject({ code, category: 'USER', retryable: false });
    expect(Date.now() - started).toBeLessThan(5_000);
    await stillWorks();
  });

  it('deep recursion ends as a RangeError inside the sandbox', async () => {
    await expect(attack('recursion')).rejects.toMatchObject({ code: 'NODE_FAILED', category: 'THIRD_PARTY', message: expect.stringMatching(/call stack/i) });
    await stillWorks();
  });

  it('finds no Node.js globals, and the Function-constructor escape stays inside the isolate', async () => {
    expect((await attack('globals')).outputs.out).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
    expect((await attack('function-constructor')).outputs.out).toBe('undefined');
    await expect(attack('function-constructor-process')).rejects.toMatchObject({ message: expect.stringMatching(/process is not defined/) });
    const [viaBridge, names] = (await attack('bridge-walk')).outputs.out as [string, string[]];
    expect(viaBridge).toBe('undefined');
    expect(names).toEqual(['__medflowHost', '__medflowPackage']);
  });

  it('prototype pollution stays in the isolate and poisoned keys do not reach the host', async () => {
    const { outputs } = await attack('pollute');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(outputs.out, '__proto__')).toBe(false);
    expect(Object.keys(outputs.out as object)).toEqual(['safe']);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect([1].push(2)).toBe(2);
  });

  it('cannot read files: no import(), no files service without the capability, no unknown host methods', async () => {
    await expect(attack('read-file-import')).rejects.toMatchObject({ category: 'THIRD_PARTY' });
    await expect(attack('read-file-bridge')).rejects.toMatchObject({ code: 'SANDBOX_CAPABILITY_DENIED', message: expect.stringContaining('"files"') });
    await expect(attack('read-file-unknown-method')).rejects.toMatchObject({ code: 'SANDBOX_CAPABILITY_DENIED', message: expect.stringContaining('fs.readFile') });
  });

  it('reaches only declared hosts, through the SDK or the raw bridge', async () => {
    httpCalls.length = 0;
    await expect(attack('network-undeclared', '患者 山田太郎')).rejects.toMatchObject({ code: 'SANDBOX_HOST_DENIED', message: expect.stringContaining('evil.example.com') });
    await expect(attack('network-bridge')).rejects.toMatchObject({ code: 'SANDBOX_HOST_DENIED' });
    expect(httpCalls).toEqual([]);
    await expect(attack('loop-after-host-call')).rejects.toMatchObject({ code: 'SANDBOX_CPU_LIMIT' });
    expect(httpCalls.map((c) => c.url)).toEqual(['https://lab.hospital.local/x']);
  });

  it('huge outputs, non-JSON outputs and log floods are bounded', async () => {
    await expect(attack('huge-output')).rejects.toMatchObject({ code: 'SANDBOX_OUTPUT_TOO_LARGE', details: { limit: 8_000_000 } });
    await expect(attack('non-json')).rejects.toMatchObject({ code: 'OUTPUT_INVALID' });
    const flood = await attack('log-flood');
    expect(flood.outputs.out).toBe('done');
    expect(flood.logs.length).toBeLessThanOrEqual(2_000);
    await stillWorks();
  });

  it.each(['throw-number', 'throw-null', 'throw-undefined', 'throw-object', 'throw-symbol', 'throw-proxy'])('%s becomes a node error', async (name) => {
    const error = await attack(name).then(() => undefined, (e: unknown) => e as { code: string; category: string; message: string });
    expect(error).toMatchObject({ code: expect.any(String), category: 'THIRD_PARTY', message: expect.any(String) });
    expect(error!.code).not.toBe('NOT_AN_ERROR');
    await stillWorks();
  });

  // Traps on what a node returns run, if at all, inside the isolate: the host only ever sees copied JSON.
  it('getters, Proxies, thenables and toJSON on returned values run inside the isolate or fail the node', async () => {
    expect((await attack('getter-trap')).outputs.out).toEqual({ a: 1, probe: 'threw' });
    await expect(attack('proxy-trap')).rejects.toMatchObject({ code: 'OUTPUT_INVALID', category: 'THIRD_PARTY' });
    await expect(attack('thenable-loop')).rejects.toMatchObject({ code: 'SANDBOX_CPU_LIMIT' });
    await expect(attack('tojson-trap')).rejects.toMatchObject({ code: 'SANDBOX_CPU_LIMIT' });
    expect((await attack('tojson-escape')).outputs.out).toEqual({ reached: 'undefined', host: [] });
    await stillWorks();
  });

  it('Error.prepareStackTrace sees only the isolate\'s own frames; one that throws fails the node, not the host', async () => {
    expect((await attack('pst-only')).outputs.out).toBe(1);
    // The call sites it is handed are the package's own (no host function among them)…
    const frames = (await attack('pst-frames')).outputs.out as string[];
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.filter((name) => name !== 'execute' && name !== 'null' && name !== 'undefined')).toEqual([]);
    // …and reaching for a frame's function constructor gets the isolate's realm, where there is no process.
    await expect(attack('prepare-stack-trace')).rejects.toMatchObject({ category: 'THIRD_PARTY', message: expect.stringMatching(/process is not defined/) });
    await expect(attack('prepare-stack-trace-throw')).rejects.toMatchObject({ category: 'THIRD_PARTY' });
    await stillWorks();
  });

  it('Atomics.wait cannot block the isolate (Atomics and SharedArrayBuffer are removed)', async () => {
    const started = Date.now();
    await expect(attack('atomics-wait')).rejects.toMatchObject({ code: 'NODE_FAILED', details: { name: 'ReferenceError' } });
    expect(Date.now() - started).toBeLessThan(5_000);
    await stillWorks();
  });

  it('a package sees only its own leftovers: globals persist within its warm isolate, as module state would', async () => {
    await attack('leave-state', 'A');
    // Same package, same warm isolate: its own globals persist (documented), nothing else does.
    expect((await attack('ok')).outputs.out).toMatchObject({ leftover: 'A' });
  });
});
