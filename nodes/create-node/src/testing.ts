import { resolve } from 'node:path';
import { DEFAULT_SANDBOX_POLICY, effectiveLimits, PackageSandbox, sandboxedDefinitions, type GuestNodeDescription } from '@medflow/sandbox';
import { MedflowError, type AnyNodeDefinition, type NodeContext, type NodeServices, type PackageCapabilities } from '@medflow/sdk';
import { validatePackageDir } from './package-dir.js';

export interface TestPackageOptions {
  /** Build the bundle first (default true). */
  build?: boolean;
  /** Services the nodes may call, as the server would provide them (only granted ones are reachable). */
  services?: Partial<NodeServices>;
  /** Capabilities to run with instead of the manifest's (to test what happens when one is not approved). */
  capabilities?: PackageCapabilities;
}

export interface TestRun {
  outputs: Record<string, unknown>;
  logs: Array<{ level: string; message: string; data?: Record<string, unknown> }>;
  progress: Array<{ fraction: number | null; note?: string }>;
}

function unavailable(name: string): never {
  throw new MedflowError({ code: 'SERVICE_UNAVAILABLE', category: 'SYSTEM', message: `${name} is not provided in this test: pass it in loadPackageForTest(dir, { services })` });
}

/**
 * Loads a node package the way the server does, in the real sandbox, for the package's own tests.
 *
 * @example
 * const pkg = await loadPackageForTest('.');
 * const { outputs } = await pkg.run('acme/char-count', { config: {}, inputs: { text: '胸痛' } });
 * pkg.close();
 */
export async function loadPackageForTest(dir: string, options: TestPackageOptions = {}) {
  const inspection = await validatePackageDir(resolve(dir), { build: options.build ?? true });
  if (inspection.problems.length) throw new Error(`the package has problems:\n- ${inspection.problems.join('\n- ')}`);
  const { packageJson } = inspection;
  const caps = options.capabilities ?? packageJson.medflow.capabilities;
  const sandbox = await PackageSandbox.open({ id: `${packageJson.name}@${packageJson.version}`, bundle: inspection.bundle, limits: effectiveLimits(packageJson.medflow.limits, DEFAULT_SANDBOX_POLICY), poolSize: 1 });
  const defs = sandboxedDefinitions(sandbox, { package: packageJson.name, version: packageJson.version, integrity: 'test', sandboxed: true }, caps);
  const services = new Proxy({} as NodeServices, {
    get: (_t, name: string) => (options.services as Record<string, unknown> | undefined)?.[name] ?? new Proxy({}, { get: () => () => unavailable(name) }),
  });
  return {
    descriptions: sandbox.descriptions as GuestNodeDescription[],
    definitions: defs as AnyNodeDefinition[],
    /** Runs a node with config checked as the server checks it; throws the node's error. */
    async run(type: string, call: { config?: unknown; inputs?: Record<string, unknown>; version?: number; signal?: AbortSignal }): Promise<TestRun> {
      const candidates = defs.filter((d) => d.type === type && (call.version === undefined || d.version === call.version));
      const def = candidates.sort((a, b) => b.version - a.version)[0];
      if (!def) throw new Error(`the package has no node ${type}${call.version ? `@${call.version}` : ''}`);
      const parsed = def.config.safeParse(call.config ?? {});
      if (!parsed.success) throw new Error(`invalid config: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const run: TestRun = { outputs: {}, logs: [], progress: [] };
      const ctx: NodeContext = {
        config: parsed.data, runId: 'test-run', nodeId: 'node', attempt: 1, signal: call.signal ?? new AbortController().signal,
        log: {
          debug: (message, data) => run.logs.push({ level: 'debug', message, ...(data ? { data } : {}) }),
          info: (message, data) => run.logs.push({ level: 'info', message, ...(data ? { data } : {}) }),
          warn: (message, data) => run.logs.push({ level: 'warn', message, ...(data ? { data } : {}) }),
          error: (message, data) => run.logs.push({ level: 'error', message, ...(data ? { data } : {}) }),
        },
        progress: (fraction, note) => run.progress.push({ fraction, ...(note === undefined ? {} : { note }) }),
        services, runInputs: {},
        suspend: () => { throw new Error('not available'); },
      };
      run.outputs = await def.execute(ctx, (call.inputs ?? {}) as never);
      return run;
    },
    /** Disposes the sandbox; await it before the test process exits. */
    close: () => sandbox.close(),
  };
}
