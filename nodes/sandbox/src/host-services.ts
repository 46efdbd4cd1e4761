import { FileRefSchema, MedflowError, type NodeContext, type PackageCapabilities } from '@medflow/sdk';
import { z } from 'zod';
import { sandboxError, SandboxErrorCodes } from './errors.js';
import type { HostCallHandler } from './guest-slot.js';
import { parseUntrustedJson } from './safe-json.js';

/** The host services a package's capabilities grant, by the names the guest asks for. */
export function grantedServices(caps: PackageCapabilities): string[] {
  const granted: string[] = [...caps.services];
  if (caps.networkHosts.length > 0 && caps.egress !== 'none') granted.push('http');
  if (caps.filesystem === 'run-files') granted.push('files');
  return granted;
}

const LlmArgs = z.object({
  model: z.string().min(1).max(300),
  prompt: z.string().max(400_000),
  system: z.string().max(100_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().min(1).max(32_768).optional(),
  jsonSchema: z.record(z.string(), z.unknown()).optional(),
}).strict();
const OcrArgs = z.object({
  mediaType: z.string().max(127),
  languages: z.array(z.string().regex(/^[a-z_]{3,16}$/)).min(1).max(4),
  layout: z.enum(['auto', 'block', 'vertical', 'line']),
  dpi: z.number().int().min(50).max(1200).optional(),
}).strict();
const TranscriptionArgs = z.object({
  model: z.string().min(1).max(300),
  language: z.string().max(8),
  prompt: z.string().max(10_000).optional(),
}).strict();
const HttpArgs = z.object({
  url: z.string().max(8_000),
  method: z.enum(['GET', 'POST', 'PUT']),
  headers: z.record(z.string().max(200), z.string().max(8_000)).optional(),
  body: z.string().max(10_000_000).optional(),
  timeoutMs: z.number().int().min(1).max(600_000).optional(),
  maxResponseBytes: z.number().int().min(1).max(50_000_000).optional(),
}).strict();
const FileMeta = z.object({ name: z.string().min(1).max(255), mediaType: z.string().min(1).max(127) }).strict();
const CodeSystemArg = z.enum(['icd10', 'icd11']);

function args<T extends z.ZodType>(schema: T, method: string, json: string): z.output<T> {
  let value: unknown;
  try { value = parseUntrustedJson(json); } catch { value = undefined; }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new MedflowError({
      code: 'VALIDATION_FAILED', category: 'USER',
      message: `${method}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ')}`,
      details: { method },
    });
  }
  return parsed.data;
}

/** Host part of a URL as the manifest writes it: `host` or `host:port` (default ports dropped). */
function hostOf(url: URL): string {
  return url.port ? `${url.hostname}:${url.port}` : url.hostname;
}

/**
 * Answers one execution's host calls with the server's services, but only those the package was
 * granted, each call's arguments checked again here: the guest-side checks are a courtesy, not a guard.
 */
export function hostCallHandler(ctx: NodeContext, caps: PackageCapabilities, origin: string, granted: ReadonlySet<string> = new Set(grantedServices(caps))): HostCallHandler {
  const need = (service: string) => {
    if (!granted.has(service)) {
      throw sandboxError(SandboxErrorCodes.CAPABILITY_DENIED, `package ${origin} was not granted "${service}"`, { service, package: origin });
    }
  };
  const { services } = ctx;
  return {
    async call(method, argsJson, bytes) {
      switch (method) {
        case 'llm.generate': {
          need('llm');
          const result = await services.llm.generate({ ...args(LlmArgs, method, argsJson), signal: ctx.signal });
          return { json: JSON.stringify(result) };
        }
        case 'ocr.recognize': {
          need('ocr');
          if (!bytes) throw sandboxError('VALIDATION_FAILED', 'ocr.recognize: file bytes are missing');
          const result = await services.ocr.recognize({ ...args(OcrArgs, method, argsJson), file: bytes, signal: ctx.signal });
          return { json: JSON.stringify(result) };
        }
        case 'transcription.transcribe': {
          need('transcription');
          if (!bytes) throw sandboxError('VALIDATION_FAILED', 'transcription.transcribe: audio bytes are missing');
          const result = await services.transcription.transcribe({ ...args(TranscriptionArgs, method, argsJson), audio: bytes, signal: ctx.signal });
          return { json: JSON.stringify(result) };
        }
        case 'http.request': {
          need('http');
          const request = args(HttpArgs, method, argsJson);
          let url: URL;
          try { url = new URL(request.url); } catch { throw sandboxError('VALIDATION_FAILED', `http.request: not a URL: ${request.url.slice(0, 200)}`); }
          if (url.protocol !== 'https:' && url.protocol !== 'http:') throw sandboxError(SandboxErrorCodes.HOST_DENIED, `http.request: only http(s) URLs, not ${url.protocol}`);
          if (url.username || url.password) throw sandboxError(SandboxErrorCodes.HOST_DENIED, 'http.request: credentials in URLs are not allowed');
          const host = hostOf(url);
          if (!caps.networkHosts.includes(host) && !caps.networkHosts.includes(url.hostname)) {
            throw sandboxError(SandboxErrorCodes.HOST_DENIED, `package ${origin} may not contact ${host}: it declared only ${caps.networkHosts.join(', ') || 'no hosts'}`, { host, allowed: caps.networkHosts });
          }
          const response = await services.http.request({ ...request, signal: ctx.signal });
          return { json: JSON.stringify(response) };
        }
        case 'files.read': {
          need('files');
          const ref = args(FileRefSchema, method, argsJson);
          return { json: '{}', bytes: await services.files.read(ref) };
        }
        case 'files.write': {
          need('files');
          if (!bytes) throw sandboxError('VALIDATION_FAILED', 'files.write: bytes are missing');
          const ref = await services.files.write(bytes, args(FileMeta, method, argsJson));
          return { json: JSON.stringify(ref) };
        }
        default:
          throw sandboxError(SandboxErrorCodes.CAPABILITY_DENIED, `no host service "${String(method).slice(0, 100)}"`, { method: String(method).slice(0, 100) });
      }
    },
    callSync(method, argsJson) {
      need('codes');
      const codes = services.codes;
      switch (method) {
        case 'codes.lookup': {
          const { system, code } = args(z.object({ system: CodeSystemArg, code: z.string().max(32) }), method, argsJson);
          return JSON.stringify(codes.lookup(system, code) ?? null);
        }
        case 'codes.search': {
          const { system, query, limit } = args(z.object({ system: CodeSystemArg, query: z.string().max(200), limit: z.number().int().min(1).max(200).optional() }), method, argsJson);
          return JSON.stringify(codes.search(system, query, limit));
        }
        case 'codes.findMentions': {
          const { text } = args(z.object({ text: z.string().max(2_000_000) }), method, argsJson);
          return JSON.stringify(codes.findMentions(text));
        }
        case 'codes.info':
          return JSON.stringify(codes.info());
        default:
          throw sandboxError(SandboxErrorCodes.CAPABILITY_DENIED, `no host service "${String(method).slice(0, 100)}"`);
      }
    },
    notify(kind, payloadJson) {
      let payload: Record<string, unknown>;
      try { payload = parseUntrustedJson(payloadJson) as Record<string, unknown>; } catch { payload = { message: payloadJson.slice(0, 2_000) }; }
      if (kind === 'progress') {
        const fraction = typeof payload?.fraction === 'number' && Number.isFinite(payload.fraction) ? Math.min(1, Math.max(0, payload.fraction)) : null;
        ctx.progress(fraction, typeof payload?.note === 'string' ? payload.note.slice(0, 200) : undefined);
        return;
      }
      const level = payload?.level === 'warn' || payload?.level === 'error' || payload?.level === 'info' ? payload.level : 'debug';
      const message = typeof payload?.message === 'string' ? payload.message.slice(0, 2_000) : '(no message)';
      const data = typeof payload?.data === 'object' && payload.data !== null ? payload.data as Record<string, unknown> : {};
      ctx.log[level](message, { ...data, sandboxed: origin });
    },
  };
}
