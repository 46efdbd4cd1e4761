import { z } from 'zod';

/** The SDK version third-party packages are checked against (`medflow.sdk` is a semver range). */
export const SDK_VERSION = '0.1.0';

const NODE_TYPE = /^[a-z0-9-]+\/[a-z0-9-]+$/;
/** The built-in nodes' namespaces: a package declaring `core/phi-redact` would otherwise hide the real redactor. */
export const RESERVED_NODE_NAMESPACES = ['core', 'ai', 'medical', 'medflow'] as const;
const namespaceOf = (type: string) => type.slice(0, type.indexOf('/'));
const HOST = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\d{1,5})?$/;
export const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9-._~]*\/)?[a-z0-9][a-z0-9-._~]*$/;
export const PACKAGE_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/** Host services a sandboxed node may ask for; each must be declared and approved. */
export const SANDBOX_SERVICES = ['llm', 'ocr', 'transcription', 'codes'] as const;
export type SandboxService = (typeof SANDBOX_SERVICES)[number];

/**
 * What a node package may do, declared in its package.json and approved by an administrator at
 * install. Everything is denied unless declared: no network, no files, no models.
 */
export const PackageCapabilitiesSchema = z.object({
  /** Where data the nodes send may go: `internal` = hospital network only, `external` = beyond it. */
  egress: z.enum(['none', 'internal', 'external']).default('none'),
  /** Hosts (lower case, optional port) the host-checked `http.request` may reach; nothing else. */
  networkHosts: z.array(z.string().regex(HOST, 'must be a lower-case host name, optionally with :port')).max(20).default([]),
  gpu: z.enum(['none', 'optional', 'required']).default('none'),
  /** `run-files`: read and write the files of the run (scans, recordings) through the file service; never the server's disk. */
  filesystem: z.enum(['none', 'run-files']).default('none'),
  /** Local AI and data services: `llm`, `ocr`, `transcription`, `codes` (ICD tables). */
  services: z.array(z.enum(SANDBOX_SERVICES)).max(SANDBOX_SERVICES.length).default([]),
}).strict().superRefine((caps, ctx) => {
  if (caps.networkHosts.length > 0 && caps.egress === 'none') {
    ctx.addIssue({ code: 'custom', path: ['egress'], message: 'networkHosts need egress "internal" or "external"' });
  }
});
export type PackageCapabilities = z.output<typeof PackageCapabilitiesSchema>;

/** Resource limits a package asks for; the server clamps them to what the administrator allows. */
export const PackageLimitsSchema = z.object({
  memoryMb: z.number().int().min(8).max(1024).optional(),
  cpuMs: z.number().int().min(10).max(600_000).optional(),
  wallMs: z.number().int().min(10).max(3_600_000).optional(),
}).strict();
export type PackageLimits = z.output<typeof PackageLimitsSchema>;

/**
 * The `medflow` field of a node package's package.json.
 *
 * @example
 * "medflow": {
 *   "sdk": "^0.1.0", "bundle": "dist/medflow-bundle.js", "nodes": ["acme/jp-date"],
 *   "capabilities": { "egress": "none" }
 * }
 */
export const PackageManifestSchema = z.object({
  sdk: z.string().min(1).max(100),
  bundle: z.string().regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+\.js$/, 'must be a relative path to a .js file inside the package').default('dist/medflow-bundle.js'),
  nodes: z.array(z.string().regex(NODE_TYPE, 'must look like "namespace/name" in kebab-case')
    .refine((t) => !(RESERVED_NODE_NAMESPACES as readonly string[]).includes(namespaceOf(t)), `the namespaces ${RESERVED_NODE_NAMESPACES.join(', ')} are the built-in nodes'; use your package's own (its npm scope)`)).min(1).max(100),
  capabilities: PackageCapabilitiesSchema.default({ egress: 'none', networkHosts: [], gpu: 'none', filesystem: 'none', services: [] }),
  limits: PackageLimitsSchema.default({}),
}).strict();
export type PackageManifest = z.output<typeof PackageManifestSchema>;

/** The parts of package.json the server reads. */
export const NodePackageJsonSchema = z.object({
  name: z.string().max(214).regex(PACKAGE_NAME, 'must be a valid lower-case npm package name'),
  version: z.string().regex(PACKAGE_VERSION, 'must be a semver version like 1.2.3'),
  description: z.string().max(1000).optional(),
  author: z.union([z.string().max(300), z.object({ name: z.string().max(200) }).loose()]).optional(),
  license: z.string().max(100).optional(),
  medflow: PackageManifestSchema,
}).loose().superRefine((pkg, ctx) => {
  // A scoped package names its nodes in its scope (@acme/… → acme/…), so two vendors cannot claim each other's types.
  const scope = /^@([^/]+)\//.exec(pkg.name)?.[1];
  if (!scope) return;
  pkg.medflow.nodes.forEach((type, i) => {
    if (namespaceOf(type) !== scope) ctx.addIssue({ code: 'custom', path: ['medflow', 'nodes', i], message: `"${type}" must be in the package's scope: "${scope}/…"` });
  });
});
export type NodePackageJson = z.output<typeof NodePackageJsonSchema>;

/** Identifies the package a sandboxed node came from; workflows pin it as `name@version`. */
export interface NodeOrigin {
  package: string;
  version: string;
  /** `sha512-…` of the installed tarball. */
  integrity: string;
  sandboxed: true;
}

export function packagePin(name: string, version: string): string {
  return `${name}@${version}`;
}

/** Splits `@scope/name@1.2.3` into name and version. */
export function parsePackagePin(pin: string): { name: string; version: string } | undefined {
  const at = pin.lastIndexOf('@');
  if (at <= 0) return undefined;
  const name = pin.slice(0, at);
  const version = pin.slice(at + 1);
  return PACKAGE_NAME.test(name) && PACKAGE_VERSION.test(version) ? { name, version } : undefined;
}
