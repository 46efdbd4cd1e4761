import type { NodeContext, NodeLogger, NodeServices } from './context.js';
import { describeNode } from './describe-node.js';
import type { AnyNodeDefinition } from './define-node.js';
import { MedflowError, toErrorInfo, type ErrorInfo } from './errors.js';
import { SDK_VERSION } from './package-manifest.js';

/**
 * The bridge the sandbox host installs in every isolate (as `globalThis.__medflowHost`). Only strings
 * and byte buffers cross it, copied: the guest never holds a reference to a host object.
 */
export interface SandboxHostBridge {
  call(method: string, argsJson: string, bytes?: ArrayBuffer): Promise<{ json: string; bytes?: Uint8Array }>;
  callSync(method: string, argsJson: string): string;
  notify(kind: 'log' | 'progress', payloadJson: string): void;
}

/** What the host sends for one execution. */
export interface SandboxExecuteRequest {
  config: unknown;
  inputs: Record<string, unknown>;
  runId: string;
  nodeId: string;
  attempt: number;
  runInputs: Record<string, unknown>;
  /** Host services this package was granted (`llm`, `http`, `files`, `codes`…). */
  granted: string[];
}

export type SandboxExecuteResult = { ok: true; outputs: Record<string, unknown> } | { ok: false; error: ErrorInfo };

/** What a package bundle exposes as `globalThis.__medflowPackage`. */
export interface SandboxGuest {
  sdkVersion: string;
  /** NodeTypeDescription[] as JSON. */
  describe(): string;
  /** SandboxExecuteResult as JSON. */
  execute(index: number, requestJson: string): Promise<string>;
}

function hostBridge(): SandboxHostBridge {
  const host = (globalThis as { __medflowHost?: SandboxHostBridge }).__medflowHost;
  if (!host) throw new MedflowError({ code: 'SANDBOX_HOST_MISSING', category: 'SYSTEM', message: 'this code runs only inside the MedFlow sandbox' });
  return host;
}

function denied(service: string): never {
  throw new MedflowError({
    code: 'SANDBOX_CAPABILITY_DENIED', category: 'USER',
    message: `the package was not granted "${service}": declare it in package.json medflow.capabilities and have an administrator approve it`,
    details: { service },
  });
}

async function callJson<T>(host: SandboxHostBridge, method: string, args: unknown): Promise<T> {
  const { json } = await host.call(method, JSON.stringify(args ?? {}));
  return JSON.parse(json) as T;
}

/** Services as the node sees them: each call crosses to the host, which checks the grant again. */
function guestServices(host: SandboxHostBridge, granted: ReadonlySet<string>): NodeServices {
  const need = (service: string) => { if (!granted.has(service)) denied(service); };
  // Functions and signals stay on this side; bytes cross as a copied buffer, the rest as JSON.
  const plain = <T extends object>(request: T) => {
    const { signal: _s, onText: _t, onProgress: _p, ...rest } = request as T & { signal?: unknown; onText?: unknown; onProgress?: unknown };
    return rest;
  };
  const bufferOf = (bytes: Uint8Array) => bytes.slice().buffer as ArrayBuffer;
  const services = {
    llm: { generate: async (request) => { need('llm'); return callJson(host, 'llm.generate', plain(request)); } },
    ocr: {
      recognize: async (request) => {
        need('ocr');
        const { file, ...rest } = plain(request);
        return JSON.parse((await host.call('ocr.recognize', JSON.stringify(rest), bufferOf(file))).json);
      },
    },
    transcription: {
      transcribe: async (request) => {
        need('transcription');
        const { audio, ...rest } = plain(request);
        return JSON.parse((await host.call('transcription.transcribe', JSON.stringify(rest), bufferOf(audio))).json);
      },
    },
    http: { request: async (request) => { need('http'); return callJson(host, 'http.request', plain(request)); } },
    files: {
      read: async (ref) => {
        need('files');
        const { bytes } = await host.call('files.read', JSON.stringify(ref));
        return bytes ?? new Uint8Array(0);
      },
      write: async (bytes, meta) => {
        need('files');
        const { json } = await host.call('files.write', JSON.stringify(meta), bufferOf(bytes));
        return JSON.parse(json);
      },
    },
    codes: {
      lookup: (system, code) => { need('codes'); return JSON.parse(host.callSync('codes.lookup', JSON.stringify({ system, code }))) ?? undefined; },
      search: (system, query, limit) => { need('codes'); return JSON.parse(host.callSync('codes.search', JSON.stringify({ system, query, limit }))); },
      findMentions: (text) => { need('codes'); return JSON.parse(host.callSync('codes.findMentions', JSON.stringify({ text }))); },
      info: () => { need('codes'); return JSON.parse(host.callSync('codes.info', '{}')); },
    },
    phiVault: { keep: async () => denied('phiVault') },
    code: { run: async () => denied('code') },
    notifiable: { diseases: () => denied('notifiable'), find: () => denied('notifiable'), fields: () => denied('notifiable'), source: () => denied('notifiable') },
  } satisfies NodeServices;
  return services;
}

function guestLogger(host: SandboxHostBridge): NodeLogger {
  const send = (level: string) => (message: string, data?: Record<string, unknown>) => {
    let payload: string;
    try { payload = JSON.stringify({ level, message: String(message), data: data ?? {} }); } catch { payload = JSON.stringify({ level, message: String(message), data: { note: 'data was not JSON' } }); }
    host.notify('log', payload);
  };
  return { debug: send('debug'), info: send('info'), warn: send('warn'), error: send('error') };
}

/** An AbortSignal stand-in: the host stops a sandboxed node by terminating its isolate, not by signalling it. */
const NEVER_ABORTED = {
  aborted: false, reason: undefined, onabort: null,
  addEventListener() {}, removeEventListener() {}, dispatchEvent() { return false; }, throwIfAborted() {},
} as unknown as AbortSignal;

/** Whatever was thrown, as an ErrorInfo; hostile values (throwing getters, proxies) cannot break it. */
function safeErrorInfo(error: unknown): ErrorInfo {
  try {
    const info = toErrorInfo(error, 'NODE_FAILED');
    return JSON.parse(JSON.stringify(info)) as ErrorInfo;
  } catch {
    return { code: 'NODE_FAILED', category: 'THIRD_PARTY', message: 'the node threw a value that cannot be described' };
  }
}

/**
 * Turns a package's node definitions into the object the sandbox host talks to. `create-node pack`
 * generates the bundle entry that calls it; node authors never call it themselves.
 *
 * @example
 * // generated bundle entry
 * import nodes from './src/index.ts';
 * globalThis.__medflowPackage = exportForSandbox(nodes);
 */
export function exportForSandbox(defs: readonly AnyNodeDefinition[]): SandboxGuest {
  const list = [...defs];
  return {
    sdkVersion: SDK_VERSION,
    describe() {
      const newest = new Map<string, number>();
      for (const def of list) newest.set(def.type, Math.max(newest.get(def.type) ?? 0, def.version));
      return JSON.stringify(list.map((def) => ({
        ...describeNode(def, { latest: newest.get(def.type) === def.version }),
        sandbox: { hasDynamicOutputs: typeof def.dynamicOutputs === 'function', hasRole: def.role !== undefined, suspends: false },
      })));
    },
    async execute(index, requestJson) {
      let result: SandboxExecuteResult;
      try {
        const def = list[index];
        if (!def) throw new MedflowError({ code: 'SANDBOX_NODE_MISSING', category: 'SYSTEM', message: `no node at index ${index}` });
        const request = JSON.parse(requestJson) as SandboxExecuteRequest;
        const host = hostBridge();
        const parsed = def.config.safeParse(request.config);
        if (!parsed.success) {
          throw new MedflowError({
            code: 'VALIDATION_FAILED', category: 'USER', message: `invalid config: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ')}`,
            details: { problems: parsed.error.issues.map((i) => ({ path: `config.${i.path.join('.')}`, message: i.message })) },
          });
        }
        const ctx: NodeContext = {
          config: parsed.data, runId: request.runId, nodeId: request.nodeId, attempt: request.attempt,
          signal: NEVER_ABORTED, log: guestLogger(host), runInputs: request.runInputs,
          progress: (fraction, note) => host.notify('progress', JSON.stringify({ fraction: typeof fraction === 'number' ? fraction : null, note: note === undefined ? undefined : String(note) })),
          services: guestServices(host, new Set(request.granted)),
          suspend: () => { throw new MedflowError({ code: 'SANDBOX_SUSPEND_UNSUPPORTED', category: 'USER', message: 'sandboxed nodes cannot pause a run; use the review gate node' }); },
        };
        const outputs = await def.execute(ctx, request.inputs as never);
        if (typeof outputs !== 'object' || outputs === null || Array.isArray(outputs)) {
          throw new MedflowError({ code: 'OUTPUT_INVALID', category: 'THIRD_PARTY', message: 'execute must return an object of outputs by port name' });
        }
        result = { ok: true, outputs: outputs as Record<string, unknown> };
      } catch (error) {
        result = { ok: false, error: safeErrorInfo(error) };
      }
      try {
        return JSON.stringify(result);
      } catch (error) {
        return JSON.stringify({ ok: false, error: { code: 'OUTPUT_INVALID', category: 'THIRD_PARTY', message: `outputs are not JSON: ${safeErrorInfo(error).message}` } });
      }
    },
  };
}
