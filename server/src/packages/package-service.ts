import { createHash } from 'node:crypto';
import { MedflowError, ErrorCodes, PackageCapabilitiesSchema, type AnyNodeDefinition, type NodeOrigin, type PackageCapabilities, type PackageManifest, type WorkflowDocument } from '@medflow/sdk';
import {
  ArchiveError, DEFAULT_ARCHIVE_LIMITS, effectiveLimits, inspectPackage, integrityOf, PackageProblem, PackageSandbox, readPackageArchive,
  sandboxedDefinitions, type SandboxPolicy,
} from '@medflow/sandbox';
import type { NodeRegistry } from '../engine/registry.js';
import type { Logger } from '../logger.js';
import type { DocumentStore } from '../store/index.js';

export interface NodePackageRecord {
  /** `name@version`. */
  id: string;
  name: string;
  version: string;
  description?: string;
  author?: string;
  license?: string;
  /** `pending` until an administrator approves its capabilities; `failed` when it no longer loads. */
  status: 'pending' | 'enabled' | 'failed';
  /** sha512 of the archive as uploaded or downloaded (`sha512-…`). */
  integrity: string;
  /** sha256 of the bundle, checked again every time the server loads it. */
  bundleSha256: string;
  bundle: string;
  manifest: PackageManifest;
  nodes: Array<{ type: string; version: number; title: { ja: string; en: string } }>;
  source: { kind: 'upload' } | { kind: 'registry'; registry: string; tarball: string };
  uploadedBy: string;
  uploadedAt: string;
  approvedBy?: string;
  approvedAt?: string;
  error?: string;
}

/** A record without its bundle: what the API lists. */
export type NodePackageSummary = Omit<NodePackageRecord, 'bundle'>;

export interface PackageServiceOptions {
  policy: SandboxPolicy;
  /** An npm registry inside the hospital (e.g. Verdaccio) to install from by name. */
  registryUrl?: string;
  maxArchiveBytes?: number;
}

// Registry failures are USER errors with gateway statuses (REGISTRY_*, INTEGRITY_MISMATCH → 502): the
// hospital's registry failed, not the caller, and the administrator needs the message, not an incident id.
const userError = (code: string, message: string, details: Record<string, unknown> = {}) => new MedflowError({ code, category: 'USER', message, details });

function summary(record: NodePackageRecord): NodePackageSummary {
  const { bundle: _bundle, ...rest } = record;
  return rest;
}

function sameCapabilities(a: PackageCapabilities, b: PackageCapabilities): boolean {
  const norm = (c: PackageCapabilities) => JSON.stringify({ ...c, networkHosts: [...c.networkHosts].sort(), services: [...c.services].sort() });
  return norm(a) === norm(b);
}

/**
 * Installs third-party node packages: checks an uploaded archive (its nodes are described inside the
 * sandbox), keeps it pending until an administrator approves exactly the capabilities shown, then
 * loads it into a pool of isolates and registers its nodes. Several versions may be installed; a
 * version that workflows still pin cannot be removed.
 */
export class PackageService {
  private readonly loaded = new Map<string, PackageSandbox>();

  constructor(
    private readonly store: DocumentStore,
    private readonly registry: NodeRegistry,
    private readonly options: PackageServiceOptions,
    private readonly logger: Logger,
  ) {}

  private get packages() { return this.store.collection<NodePackageRecord>('node_packages'); }

  async list(): Promise<NodePackageSummary[]> {
    const records = await this.packages.find({}, { sort: { field: 'name', direction: 'asc' }, limit: 1000 });
    return records.map(summary);
  }

  async get(id: string): Promise<NodePackageSummary> {
    return summary(await this.record(id));
  }

  private async record(id: string): Promise<NodePackageRecord> {
    const record = await this.packages.get(id);
    if (!record) throw new MedflowError({ code: ErrorCodes.NOT_FOUND, category: 'USER', message: `no node package ${id}`, details: { id } });
    return record;
  }

  /** Checks an archive and keeps it pending approval. Nothing of it runs outside the sandbox. */
  async upload(bytes: Uint8Array, by: string, source: NodePackageRecord['source'] = { kind: 'upload' }): Promise<NodePackageSummary> {
    const integrity = integrityOf(bytes);
    let files: Map<string, Buffer>;
    try {
      files = await readPackageArchive(bytes, { ...DEFAULT_ARCHIVE_LIMITS, maxArchiveBytes: this.options.maxArchiveBytes ?? DEFAULT_ARCHIVE_LIMITS.maxArchiveBytes });
    } catch (error) {
      if (error instanceof ArchiveError) throw userError('PACKAGE_INVALID', `the file is not a usable node package: ${error.message}`, { problems: [error.message] });
      throw error;
    }
    let inspection;
    try {
      inspection = await inspectPackage(files, this.options.policy);
    } catch (error) {
      if (error instanceof PackageProblem) throw userError('PACKAGE_INVALID', `the package cannot be installed: ${error.message}`, { problems: error.problems });
      throw error;
    }
    const { packageJson, descriptions, bundle } = inspection;
    const problems = [...inspection.problems];
    for (const d of descriptions) {
      const existing = this.registry.get(d.type, d.version);
      if (existing && !existing.origin) problems.push(`${d.type}@${d.version} is a built-in node`);
      else if (existing?.origin && existing.origin.package !== packageJson.name) problems.push(`${d.type}@${d.version} is already provided by ${existing.origin.package}`);
    }
    if (problems.length) throw userError('PACKAGE_INVALID', `the package cannot be installed: ${problems.join('; ')}`, { problems });
    const id = `${packageJson.name}@${packageJson.version}`;
    const existing = await this.packages.get(id);
    if (existing && existing.status !== 'pending') {
      throw new MedflowError({
        code: ErrorCodes.CONFLICT, category: 'USER',
        message: existing.integrity === integrity ? `${id} is already installed` : `${id} is already installed with different contents: publish a new version number`,
        details: { id, installedIntegrity: existing.integrity, uploadedIntegrity: integrity },
      });
    }
    const author = typeof packageJson.author === 'string' ? packageJson.author : packageJson.author?.name;
    const record: NodePackageRecord = {
      id, name: packageJson.name, version: packageJson.version, status: 'pending', integrity,
      ...(packageJson.description ? { description: packageJson.description } : {}),
      ...(author ? { author } : {}),
      ...(packageJson.license ? { license: packageJson.license } : {}),
      bundleSha256: createHash('sha256').update(bundle).digest('hex'), bundle,
      manifest: packageJson.medflow,
      nodes: descriptions.map((d) => ({ type: d.type, version: d.version, title: d.display.title })),
      source, uploadedBy: by, uploadedAt: new Date().toISOString(),
    };
    await this.packages.put(record);
    return summary(record);
  }

  /**
   * Enables a pending package. The administrator sends back the integrity and capabilities they were
   * shown; if either differs from what is stored (a re-upload in between), nothing is enabled.
   */
  async approve(id: string, approval: { integrity: string; capabilities: unknown }, by: string): Promise<NodePackageSummary> {
    const record = await this.record(id);
    if (record.status === 'enabled') throw new MedflowError({ code: ErrorCodes.CONFLICT, category: 'USER', message: `${id} is already enabled`, details: { id } });
    if (approval.integrity !== record.integrity) {
      throw new MedflowError({ code: ErrorCodes.CONFLICT, category: 'USER', message: `${id} changed since it was shown to you (integrity differs); review it again`, details: { id, integrity: record.integrity } });
    }
    const capabilities = PackageCapabilitiesSchema.safeParse(approval.capabilities);
    if (!capabilities.success || !sameCapabilities(capabilities.data, record.manifest.capabilities)) {
      throw new MedflowError({
        code: 'CAPABILITIES_MISMATCH', category: 'USER',
        message: `the approved capabilities must be exactly those the package declares`, details: { id, declared: record.manifest.capabilities },
      });
    }
    await this.activate(record);
    const next: NodePackageRecord = { ...record, status: 'enabled', approvedBy: by, approvedAt: new Date().toISOString() };
    delete next.error;
    await this.packages.put(next);
    return summary(next);
  }

  /** Removes a package version; refused while workflows pin it, unless `force` (they then show a problem). */
  async uninstall(id: string, options: { force?: boolean } = {}): Promise<{ id: string; pinnedBy: string[] }> {
    const record = await this.record(id);
    const pinnedBy = await this.workflowsPinning(id);
    if (pinnedBy.length && !options.force) {
      throw new MedflowError({
        code: 'PACKAGE_IN_USE', category: 'USER',
        message: `${id} is used by ${pinnedBy.length} workflow(s): ${pinnedBy.slice(0, 5).join(', ')}${pinnedBy.length > 5 ? '…' : ''}. Move them to another version first, or remove with force.`,
        details: { id, workflows: pinnedBy },
      });
    }
    this.registry.unregisterPackage(record.name, record.version);
    const sandbox = this.loaded.get(id);
    this.loaded.delete(id);
    void sandbox?.close();
    await this.packages.delete(id);
    return { id, pinnedBy };
  }

  /** Names of workflows whose draft or a published version pins the package version. */
  private async workflowsPinning(id: string): Promise<string[]> {
    const uses = (doc: WorkflowDocument | undefined) => !!doc?.nodes?.some((n) => n.package === id);
    const names = new Set<string>();
    const workflows = await this.store.collection<{ id: string; name: string; draft: WorkflowDocument }>('workflows').find({}, { limit: 100_000 });
    for (const w of workflows) if (uses(w.draft)) names.add(w.name);
    const versions = await this.store.collection<{ id: string; workflowId: string; document: WorkflowDocument }>('workflow_versions').find({}, { limit: 100_000 });
    const nameOf = new Map(workflows.map((w) => [w.id, w.name]));
    for (const v of versions) if (uses(v.document)) names.add(`${nameOf.get(v.workflowId) ?? v.workflowId} (${v.id.split('@').pop()})`);
    return [...names].sort();
  }

  /** Loads every enabled package at start; one that no longer loads is marked failed, the rest still start. */
  async loadEnabled(): Promise<{ loaded: number; failed: number }> {
    let loaded = 0;
    let failed = 0;
    for (const record of await this.packages.find({ status: 'enabled' }, { limit: 1000 })) {
      try {
        await this.activate(record);
        loaded++;
      } catch (error) {
        failed++;
        const message = (error as Error).message;
        this.logger.error('node package failed to load; its nodes are unavailable', { package: record.id, error: message });
        await this.packages.put({ ...record, status: 'failed', error: message });
      }
    }
    return { loaded, failed };
  }

  private async activate(record: NodePackageRecord): Promise<AnyNodeDefinition[]> {
    if (createHash('sha256').update(record.bundle).digest('hex') !== record.bundleSha256) {
      throw new Error(`the stored bundle of ${record.id} does not match its recorded hash`);
    }
    const sandbox = await PackageSandbox.open({
      id: record.id, bundle: record.bundle, limits: effectiveLimits(record.manifest.limits, this.options.policy), poolSize: this.options.policy.poolSize,
    });
    const origin: NodeOrigin = { package: record.name, version: record.version, integrity: record.integrity, sandboxed: true };
    const defs = sandboxedDefinitions(sandbox, origin, record.manifest.capabilities);
    try {
      this.registry.registerAll(defs);
    } catch (error) {
      this.registry.unregisterPackage(record.name, record.version);
      void sandbox.close();
      throw userError('PACKAGE_CONFLICT', (error as Error).message, { id: record.id });
    }
    void this.loaded.get(record.id)?.close();
    this.loaded.set(record.id, sandbox);
    return defs;
  }

  /** Downloads `name@version` from the configured registry, checks its integrity, then uploads it. */
  async installFromRegistry(name: string, version: string, by: string): Promise<NodePackageSummary> {
    const base = this.options.registryUrl;
    if (!base) throw userError('REGISTRY_NOT_CONFIGURED', 'no node registry: set MEDFLOW_NODE_REGISTRY to the hospital\'s npm registry URL, or upload the .tgz');
    const metaUrl = new URL(name.replace('/', '%2f'), base.endsWith('/') ? base : `${base}/`);
    const meta = await this.fetchBytes(metaUrl.href, 5 * 1024 ** 2);
    let dist: { tarball?: unknown; integrity?: unknown } | undefined;
    try {
      dist = (JSON.parse(Buffer.from(meta).toString('utf8')) as { versions?: Record<string, { dist?: typeof dist }> }).versions?.[version]?.dist;
    } catch {
      throw new MedflowError({ code: 'REGISTRY_ERROR', category: 'USER', message: `the registry's answer for ${name} is not JSON` });
    }
    if (!dist || typeof dist.tarball !== 'string') throw userError(ErrorCodes.NOT_FOUND, `the registry has no ${name}@${version}`, { name, version });
    if (typeof dist.integrity !== 'string' || !dist.integrity.startsWith('sha512-')) {
      throw new MedflowError({ code: 'REGISTRY_ERROR', category: 'USER', message: `the registry gives no sha512 integrity for ${name}@${version}; refusing to install unverified code` });
    }
    const tarball = new URL(dist.tarball, metaUrl);
    if (tarball.origin !== metaUrl.origin) throw new MedflowError({ code: 'REGISTRY_ERROR', category: 'USER', message: `the tarball of ${name}@${version} is on another host (${tarball.host}); only the configured registry is trusted` });
    const bytes = await this.fetchBytes(tarball.href, this.options.maxArchiveBytes ?? DEFAULT_ARCHIVE_LIMITS.maxArchiveBytes);
    if (integrityOf(bytes) !== dist.integrity) {
      throw new MedflowError({ code: 'INTEGRITY_MISMATCH', category: 'USER', message: `the downloaded ${name}@${version} does not match the registry's integrity ${dist.integrity}`, details: { expected: dist.integrity, actual: integrityOf(bytes) } });
    }
    const summaryRecord = await this.upload(bytes, by, { kind: 'registry', registry: base, tarball: tarball.href });
    if (summaryRecord.name !== name || summaryRecord.version !== version) {
      await this.packages.delete(summaryRecord.id);
      throw new MedflowError({ code: 'REGISTRY_ERROR', category: 'USER', message: `asked for ${name}@${version}, the registry sent ${summaryRecord.id}` });
    }
    return summaryRecord;
  }

  private async fetchBytes(url: string, maxBytes: number): Promise<Uint8Array> {
    let response: Response;
    try {
      response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(60_000), headers: { accept: 'application/json, application/octet-stream' } });
    } catch (error) {
      throw new MedflowError({ code: 'REGISTRY_UNREACHABLE', category: 'USER', message: `the node registry could not be reached: ${(error as Error).message}`, details: { url } });
    }
    if (response.status === 404) throw userError(ErrorCodes.NOT_FOUND, `the registry has no ${url}`, { url });
    if (!response.ok) throw new MedflowError({ code: 'REGISTRY_ERROR', category: 'USER', message: `the registry answered ${response.status} for ${url}`, details: { url, status: response.status } });
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > maxBytes) throw userError(ErrorCodes.FILE_TOO_LARGE, `${url} is ${length} bytes; at most ${maxBytes}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength > maxBytes) throw userError(ErrorCodes.FILE_TOO_LARGE, `${url} is more than ${maxBytes} bytes`);
    return bytes;
  }

  async close(): Promise<void> {
    const open = [...this.loaded.values()];
    this.loaded.clear();
    await Promise.all(open.map((sandbox) => sandbox.close()));
  }
}
