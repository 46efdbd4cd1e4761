import type { SandboxPolicy } from '@medflow/sandbox';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import type { RuntimeConfig } from './runtime/index.js';
import { z } from 'zod';
import type { OidcSettings } from './auth/oidc/oidc-client.js';
import type { OidcAccountSettings } from './auth/oidc/oidc-sign-in.js';
import { parseRoleMap } from './auth/oidc/role-mapping.js';

const PoolsSchema = z.string().regex(/^(\s*[a-z][a-z0-9-]*=\d+\s*)(,\s*[a-z][a-z0-9-]*=\d+\s*)*$/, 'use name=count pairs, e.g. "gpu=1,ocr=2"')
  .transform((s) => Object.fromEntries(s.split(',').map((pair) => { const [k, v] = pair.split('='); return [k!.trim(), Number(v)]; })));

/** Every setting comes from the environment (see README "Configuration"), checked at start-up. */
export const ConfigSchema = z.object({
  MEDFLOW_HOST: z.string().default('127.0.0.1'),
  MEDFLOW_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  MEDFLOW_DATA_DIR: z.string().default('./data'),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
  MEDFLOW_DURABILITY: z.enum(['normal', 'full']).default('normal'),
  MEDFLOW_MAX_UPLOAD_MB: z.coerce.number().min(1).max(2048).default(50),
  MEDFLOW_MAX_JSON_MB: z.coerce.number().min(1).max(512).default(10),
  MEDFLOW_POOLS: PoolsSchema.prefault('gpu=1,cpu-heavy=2'),
  MEDFLOW_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  MEDFLOW_EDITOR_DIR: z.string().optional(),
  MEDFLOW_TEMPLATES_DIR: z.string().optional(),
  MEDFLOW_MODELS_DIR: z.string().default('./models'),
  MEDFLOW_MODEL_MEMORY_MB: z.coerce.number().int().min(64).default(16_384),
  MEDFLOW_GPU: z.enum(['auto', 'off', 'cuda', 'vulkan']).default('auto'),
  MEDFLOW_LLM_SEQUENCES: z.coerce.number().int().min(1).max(64).default(4),
  MEDFLOW_LLM_CONTEXT: z.coerce.number().int().min(256).max(262_144).default(4096),
  MEDFLOW_LLM_THREADS: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(256)], { error: 'MEDFLOW_LLM_THREADS: auto or a number of threads' }).default('auto'),
  MEDFLOW_OCR_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  MEDFLOW_SETUP_TOKEN: z.string().min(12, 'at least 12 characters').optional(),
  MEDFLOW_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  MEDFLOW_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(168).default(12),
  MEDFLOW_COOKIE_SECURE: z.enum(['auto', 'always', 'never']).default('auto'),
  // `true` would trust any X-Forwarded-For a client writes (sign-in throttling and audit addresses then lie):
  // only a hop count, loopback, or the proxies' addresses.
  MEDFLOW_TRUST_PROXY: z.string().refine((v) => v !== 'true', 'true would trust any X-Forwarded-For; give the number of proxy hops (e.g. 1), loopback, or the proxies\' addresses')
    .regex(/^(false|loopback|\d+|[0-9a-fA-F:.]+(\/\d{1,3})?(,[0-9a-fA-F:.]+(\/\d{1,3})?)*)$/, 'false, loopback, a hop count, or comma-separated proxy addresses (CIDR allowed)').default('false'),
  MEDFLOW_LOCKOUT_THRESHOLD: z.coerce.number().int().min(1).max(100).default(5),
  MEDFLOW_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  MEDFLOW_ENCRYPTION_KEYS: z.string().optional(),
  MEDFLOW_ENCRYPTION_KEY_FILE: z.string().optional(),
  MEDFLOW_AUDIT_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'MEDFLOW_AUDIT_KEY is the base64 of 32 random bytes (openssl rand -base64 32)').or(z.literal('')).optional(),
  MEDFLOW_AUDIT_KEY_FILE: z.string().optional(),
  MEDFLOW_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).optional(),
  MEDFLOW_EGRESS_POLICY: z.enum(['deny-external', 'redacted-only']).default('deny-external'),
  MEDFLOW_INTERNAL_HOSTS: z.string().default(''),
  MEDFLOW_HTTP_ALLOWED_HOSTS: z.string().default(''),
  MEDFLOW_CODE_TABLES_DIR: z.string().min(1).optional(),
  MEDFLOW_SANDBOX_MEMORY_MB: z.coerce.number().int().min(8).max(4096).default(128),
  MEDFLOW_SANDBOX_CPU_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
  MEDFLOW_SANDBOX_WALL_MS: z.coerce.number().int().min(100).max(24 * 3_600_000).default(300_000),
  MEDFLOW_SANDBOX_POOL: z.coerce.number().int().min(1).max(64).default(2),
  MEDFLOW_NODE_REGISTRY: z.url({ protocol: /^https?$/, error: "the URL of the hospital's npm registry, e.g. https://npm.hospital.local/" }).optional(),
  MEDFLOW_MAX_PACKAGE_MB: z.coerce.number().min(1).max(200).default(20),
  MEDFLOW_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'an http(s) URL, e.g. https://medflow.hospital.local' }).optional(),
  MEDFLOW_OIDC_ISSUER: z.url({ protocol: /^https?$/, error: 'the issuer URL of the identity provider' }).optional(),
  MEDFLOW_OIDC_CLIENT_ID: z.string().min(1).max(200).optional(),
  MEDFLOW_OIDC_CLIENT_SECRET: z.string().min(1).max(500).optional(),
  MEDFLOW_OIDC_REDIRECT_URI: z.url({ protocol: /^https?$/ }).optional(),
  MEDFLOW_OIDC_SCOPES: z.string().regex(/(^|\s)openid(\s|$)/, 'must include "openid"').default('openid profile email'),
  MEDFLOW_OIDC_ROLES_CLAIM: z.string().regex(/^[A-Za-z0-9_:.-]+$/).default('groups'),
  MEDFLOW_OIDC_USERNAME_CLAIM: z.string().regex(/^[A-Za-z0-9_:.-]+$/).default('preferred_username'),
  MEDFLOW_OIDC_ROLE_MAP: z.string().default('').superRefine((text, ctx) => {
    try { parseRoleMap(text); } catch (error) { ctx.addIssue({ code: 'custom', message: (error as Error).message }); }
  }),
}).superRefine((c, ctx) => {
  if (c.MEDFLOW_OIDC_ISSUER && !c.MEDFLOW_OIDC_CLIENT_ID) ctx.addIssue({ code: 'custom', path: ['MEDFLOW_OIDC_CLIENT_ID'], message: 'required with MEDFLOW_OIDC_ISSUER' });
  if (c.MEDFLOW_OIDC_ISSUER && !c.MEDFLOW_OIDC_ROLE_MAP) ctx.addIssue({ code: 'custom', path: ['MEDFLOW_OIDC_ROLE_MAP'], message: 'required with MEDFLOW_OIDC_ISSUER: which provider groups get which roles, e.g. "medflow-admins=admin,physicians=reviewer+runner"' });
});

const list = (s: string) => s.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);

export interface SecurityConfig {
  setupToken?: string;
  session: { idleMinutes: number; maxHours: number };
  cookieSecure: 'auto' | 'always' | 'never';
  trustProxy: false | number | string;
  lockout: { threshold: number; minutes: number };
  encryptionKeys?: string;
  keyFile: string;
  /** The audit trail's sealing key (HMAC), kept apart from the store like the data keys. */
  auditKey?: string;
  auditKeyFile: string;
  retentionDays?: number;
  egress: { mode: 'deny-external' | 'redacted-only'; internalHosts: string[] };
  /** Single sign-on; `redirectUri` absent means "<the server's URL>/api/auth/oidc/callback". */
  oidc?: Omit<OidcSettings, 'redirectUri'> & OidcAccountSettings & { redirectUri?: string };
}

export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  mongodbUri?: string;
  durability: 'normal' | 'full';
  maxUploadBytes: number;
  maxJsonBytes: number;
  pools: Record<string, number>;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  editorDir?: string;
  templatesDir: string;
  runtime: RuntimeConfig;
  /** Third-party node packages: sandbox ceilings, the registry to install from, archive size. */
  packages: { policy: SandboxPolicy; registryUrl?: string; maxArchiveBytes: number };
  security: SecurityConfig;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = ConfigSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([k, v]) => k in ConfigSchema.shape && v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return {
    host: c.MEDFLOW_HOST,
    port: c.MEDFLOW_PORT,
    dataDir: resolve(c.MEDFLOW_DATA_DIR),
    ...(c.MONGODB_URI ? { mongodbUri: c.MONGODB_URI } : {}),
    durability: c.MEDFLOW_DURABILITY,
    maxUploadBytes: Math.round(c.MEDFLOW_MAX_UPLOAD_MB * 1024 * 1024),
    maxJsonBytes: Math.round(c.MEDFLOW_MAX_JSON_MB * 1024 * 1024),
    pools: c.MEDFLOW_POOLS,
    logLevel: c.MEDFLOW_LOG_LEVEL,
    ...(c.MEDFLOW_EDITOR_DIR ? { editorDir: resolve(c.MEDFLOW_EDITOR_DIR) } : {}),
    // The repository's templates/ folder, wherever the server is started from.
    templatesDir: resolve(c.MEDFLOW_TEMPLATES_DIR ?? fileURLToPath(new URL('../../templates', import.meta.url))),
    runtime: {
      modelsDir: resolve(c.MEDFLOW_MODELS_DIR),
      modelMemoryBytes: c.MEDFLOW_MODEL_MEMORY_MB * 1024 * 1024,
      gpu: c.MEDFLOW_GPU,
      llmSequences: c.MEDFLOW_LLM_SEQUENCES,
      llmContextSize: c.MEDFLOW_LLM_CONTEXT,
      llmThreads: c.MEDFLOW_LLM_THREADS,
      ocrWorkers: c.MEDFLOW_OCR_WORKERS ?? availableParallelism(),
      httpAllowedHosts: list(c.MEDFLOW_HTTP_ALLOWED_HOSTS),
      ...(c.MEDFLOW_CODE_TABLES_DIR ? { codeTablesDir: resolve(c.MEDFLOW_CODE_TABLES_DIR) } : {}),
      codeSandbox: { memoryMb: Math.min(64, c.MEDFLOW_SANDBOX_MEMORY_MB), maxCpuMs: Math.min(30_000, c.MEDFLOW_SANDBOX_CPU_MS), maxOutputChars: 8_000_000, poolSize: c.MEDFLOW_SANDBOX_POOL },
    },
    packages: {
      policy: { memoryMb: c.MEDFLOW_SANDBOX_MEMORY_MB, cpuMs: c.MEDFLOW_SANDBOX_CPU_MS, wallMs: c.MEDFLOW_SANDBOX_WALL_MS, maxOutputChars: 8_000_000, poolSize: c.MEDFLOW_SANDBOX_POOL },
      ...(c.MEDFLOW_NODE_REGISTRY ? { registryUrl: c.MEDFLOW_NODE_REGISTRY } : {}),
      maxArchiveBytes: Math.round(c.MEDFLOW_MAX_PACKAGE_MB * 1024 * 1024),
    },
    security: {
      ...(c.MEDFLOW_SETUP_TOKEN ? { setupToken: c.MEDFLOW_SETUP_TOKEN } : {}),
      session: { idleMinutes: c.MEDFLOW_SESSION_IDLE_MINUTES, maxHours: c.MEDFLOW_SESSION_MAX_HOURS },
      cookieSecure: c.MEDFLOW_COOKIE_SECURE,
      trustProxy: c.MEDFLOW_TRUST_PROXY === 'false' ? false : /^\d+$/.test(c.MEDFLOW_TRUST_PROXY) ? Number(c.MEDFLOW_TRUST_PROXY) : c.MEDFLOW_TRUST_PROXY,
      lockout: { threshold: c.MEDFLOW_LOCKOUT_THRESHOLD, minutes: c.MEDFLOW_LOCKOUT_MINUTES },
      ...(c.MEDFLOW_ENCRYPTION_KEYS ? { encryptionKeys: c.MEDFLOW_ENCRYPTION_KEYS } : {}),
      keyFile: resolve(c.MEDFLOW_ENCRYPTION_KEY_FILE ?? resolve(c.MEDFLOW_DATA_DIR, 'encryption.keys')),
      ...(c.MEDFLOW_AUDIT_KEY ? { auditKey: c.MEDFLOW_AUDIT_KEY } : {}),
      // Beside the data keys by default: wherever the administrator moved those, this goes too.
      auditKeyFile: resolve(c.MEDFLOW_AUDIT_KEY_FILE ?? resolve(dirname(resolve(c.MEDFLOW_ENCRYPTION_KEY_FILE ?? resolve(c.MEDFLOW_DATA_DIR, 'encryption.keys'))), 'audit.key')),
      ...(c.MEDFLOW_RETENTION_DAYS ? { retentionDays: c.MEDFLOW_RETENTION_DAYS } : {}),
      egress: { mode: c.MEDFLOW_EGRESS_POLICY, internalHosts: list(c.MEDFLOW_INTERNAL_HOSTS) },
      ...(c.MEDFLOW_OIDC_ISSUER && c.MEDFLOW_OIDC_CLIENT_ID ? {
        oidc: {
          issuer: c.MEDFLOW_OIDC_ISSUER, clientId: c.MEDFLOW_OIDC_CLIENT_ID, scopes: c.MEDFLOW_OIDC_SCOPES,
          ...(c.MEDFLOW_OIDC_CLIENT_SECRET ? { clientSecret: c.MEDFLOW_OIDC_CLIENT_SECRET } : {}),
          ...(c.MEDFLOW_OIDC_REDIRECT_URI ?? c.MEDFLOW_PUBLIC_URL ? { redirectUri: c.MEDFLOW_OIDC_REDIRECT_URI ?? `${c.MEDFLOW_PUBLIC_URL!.replace(/\/$/, '')}/api/auth/oidc/callback` } : {}),
          rolesClaim: c.MEDFLOW_OIDC_ROLES_CLAIM, usernameClaim: c.MEDFLOW_OIDC_USERNAME_CLAIM, roleMap: parseRoleMap(c.MEDFLOW_OIDC_ROLE_MAP),
        },
      } : {}),
    },
  };
}
