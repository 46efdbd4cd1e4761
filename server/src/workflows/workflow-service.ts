import { uuidV7 } from '../ids/uuid-v7.js';
import { describeNode, ErrorCodes, MedflowError, WorkflowDocumentSchema, type PortDescription, type RunInputDescriptor, type WorkflowDocument } from '@medflow/sdk';
import type { Engine, Problem } from '../engine/index.js';
import type { WorkflowShare } from '../auth/access.js';
import type { DocumentStore } from '../store/index.js';

export interface WorkflowRecord {
  id: string;
  name: string;
  description?: string;
  /** The editable document. It may be invalid while being built; publishing requires it to be valid. */
  draft: WorkflowDocument;
  /** Increases on every save; a save naming an older revision is refused (two editors, one workflow). */
  revision: number;
  latestVersion?: number;
  /** The user who created it; with admins, the only one who may share or delete it. */
  ownerId?: string;
  shares?: WorkflowShare[];
  createdAt: string;
  updatedAt: string;
}

export interface WorkflowVersionRecord {
  id: string;
  workflowId: string;
  version: number;
  document: WorkflowDocument;
  note?: string;
  publishedAt: string;
}

export interface WorkflowAnalysis {
  valid: boolean;
  problems: Problem[];
  inputs: RunInputDescriptor[];
  outputs: string[];
  /** Output ports of nodes whose ports depend on their config (a switch's cases), by node id. */
  dynamicPorts: Record<string, Record<string, PortDescription>>;
}

export interface ChosenDocument { document: WorkflowDocument; version: number | 'draft' }

export const notFound = (what: string, id: string) => new MedflowError({ code: ErrorCodes.NOT_FOUND, category: 'USER', message: `${what} "${id}" not found`, details: { id } });

/** Workflows with drafts and immutable published versions. */
export class WorkflowService {
  private readonly versionCache = new Map<string, WorkflowVersionRecord>();
  private readonly policyVerdicts = new WeakMap<object, Problem[]>();

  /** `policy` adds compliance problems (egress of patient data) to a structurally valid workflow. */
  constructor(private readonly store: DocumentStore, private readonly engine: Engine, private readonly policy: (document: unknown) => Problem[] = () => []) {}

  private get workflows() { return this.store.collection<WorkflowRecord>('workflows'); }
  private get versions() { return this.store.collection<WorkflowVersionRecord>('workflow_versions'); }

  analyse(document: unknown): WorkflowAnalysis {
    const result = this.engine.plan(document);
    const dynamicPorts = this.dynamicPorts(document);
    if (!result.ok) return { valid: false, problems: result.problems, inputs: [], outputs: [], dynamicPorts };
    const policyProblems = this.policy(document);
    if (policyProblems.length) return { valid: false, problems: policyProblems, inputs: result.plan.runInputs, outputs: result.plan.runOutputs.map((o) => o.name), dynamicPorts };
    return { valid: true, problems: [], inputs: result.plan.runInputs, outputs: result.plan.runOutputs.map((o) => o.name), dynamicPorts };
  }

  private dynamicPorts(document: unknown): Record<string, Record<string, PortDescription>> {
    const parsed = WorkflowDocumentSchema.safeParse(document);
    if (!parsed.success) return {};
    const out: Record<string, Record<string, PortDescription>> = {};
    for (const node of parsed.data.nodes) {
      const def = this.engine.registry.get(node.type, node.typeVersion, node.package);
      if (!def?.dynamicOutputs) continue;
      const config = def.config.safeParse(node.config);
      if (!config.success) continue;
      out[node.id] = describeNode({ ...def, outputs: def.dynamicOutputs(config.data) }, { latest: false }).outputs;
    }
    return out;
  }

  async list(): Promise<WorkflowRecord[]> {
    return this.workflows.find({}, { sort: { field: 'updatedAt', direction: 'desc' }, limit: 1000 });
  }

  async get(id: string): Promise<WorkflowRecord> {
    const record = await this.workflows.get(id);
    if (!record) throw notFound('workflow', id);
    return record;
  }

  /** Plans the document and applies the compliance policy; throws WORKFLOW_INVALID with every problem. */
  assertRunnable(document: WorkflowDocument): void {
    this.engine.planOrThrow(document);
    // Published versions are cached objects: their verdict is computed once (the policy is fixed for the process).
    let problems = this.policyVerdicts.get(document);
    if (!problems) { problems = this.policy(document); this.policyVerdicts.set(document, problems); }
    if (problems.length) {
      throw new MedflowError({
        code: ErrorCodes.WORKFLOW_INVALID, category: 'USER',
        message: `workflow breaks the data-protection policy: ${problems.map((p) => p.message).join('; ')}`, details: { problems },
      });
    }
  }

  async share(id: string, shares: WorkflowShare[]): Promise<WorkflowRecord> {
    const current = await this.get(id);
    const next = { ...current, shares, updatedAt: new Date().toISOString() };
    await this.workflows.put(next);
    return next;
  }

  /**
   * Pins nodes from installed packages to a package version: a node keeps the pin it had in the saved
   * draft (the editor may not send it back), a new one gets the version installed now. So installing a
   * newer version never changes what an existing workflow does.
   */
  private pinPackages(document: WorkflowDocument, previous?: WorkflowDocument): WorkflowDocument {
    if (!document.nodes.some((n) => !n.package)) return document;
    const before = new Map((previous?.nodes ?? []).map((n) => [n.id, n]));
    let changed = false;
    const nodes = document.nodes.map((node) => {
      if (node.package) return node;
      const old = before.get(node.id);
      if (old?.package && old.type === node.type && old.typeVersion === node.typeVersion) { changed = true; return { ...node, package: old.package }; }
      const origin = this.engine.registry.get(node.type, node.typeVersion)?.origin;
      if (!origin) return node;
      changed = true;
      return { ...node, package: `${origin.package}@${origin.version}` };
    });
    return changed ? { ...document, nodes } : document;
  }

  async create(input: WorkflowDocument, ownerId?: string): Promise<WorkflowRecord> {
    const document = this.pinPackages(input);
    const now = new Date().toISOString();
    const record: WorkflowRecord = {
      id: uuidV7(), name: document.name, ...(document.description ? { description: document.description } : {}),
      draft: document, revision: 1, createdAt: now, updatedAt: now, ...(ownerId ? { ownerId, shares: [] } : {}),
    };
    await this.workflows.insert(record);
    return record;
  }

  /** Saves the draft; with `expectedRevision`, refuses to overwrite a newer save (HTTP 409). */
  async saveDraft(id: string, input: WorkflowDocument, expectedRevision?: number): Promise<WorkflowRecord> {
    const current = await this.get(id);
    const document = this.pinPackages(input, current.draft);
    if (expectedRevision !== undefined && expectedRevision !== current.revision) {
      throw new MedflowError({
        code: ErrorCodes.CONFLICT, category: 'USER',
        message: `workflow was saved elsewhere (revision ${current.revision}, you edited ${expectedRevision}); reload before saving`,
        details: { currentRevision: current.revision, expectedRevision },
      });
    }
    const next: WorkflowRecord = {
      ...current, name: document.name, draft: document, revision: current.revision + 1, updatedAt: new Date().toISOString(),
    };
    if (document.description) next.description = document.description; else delete next.description;
    // Compare-and-set on the revision: of two concurrent saves, exactly one wins.
    if (!(await this.workflows.replaceIf(id, { revision: current.revision }, next))) {
      throw new MedflowError({ code: ErrorCodes.CONFLICT, category: 'USER', message: 'workflow was saved concurrently; reload before saving', details: { currentRevision: current.revision + 1 } });
    }
    return next;
  }

  async remove(id: string): Promise<void> {
    await this.get(id);
    await this.versions.deleteMany({ workflowId: id });
    for (const key of [...this.versionCache.keys()]) if (key.startsWith(`${id}@`)) this.versionCache.delete(key);
    await this.workflows.delete(id);
  }

  /** Publishes the current draft as the next immutable version; only a valid workflow can be published. */
  async publish(id: string, note?: string): Promise<WorkflowVersionRecord> {
    const current = await this.get(id);
    this.assertRunnable(current.draft);
    const version = (current.latestVersion ?? 0) + 1;
    const record: WorkflowVersionRecord = {
      id: `${id}@${version}`, workflowId: id, version, document: current.draft,
      ...(note ? { note } : {}), publishedAt: new Date().toISOString(),
    };
    await this.versions.insert(record);
    await this.workflows.put({ ...(await this.get(id)), latestVersion: version, updatedAt: record.publishedAt });
    return record;
  }

  async listVersions(id: string): Promise<WorkflowVersionRecord[]> {
    await this.get(id);
    return this.versions.find({ workflowId: id }, { sort: { field: 'version', direction: 'desc' } });
  }

  async getVersion(id: string, version: number): Promise<WorkflowVersionRecord> {
    const key = `${id}@${version}`;
    const cached = this.versionCache.get(key);
    if (cached) return cached;
    const record = await this.versions.get(key);
    if (!record) throw notFound('workflow version', key);
    // Published versions never change, so the parsed document (and the engine's plan of it) is reused.
    if (this.versionCache.size >= 200) this.versionCache.delete(this.versionCache.keys().next().value!);
    this.versionCache.set(key, record);
    return record;
  }

  /** Makes an old version the draft again; published versions themselves never change. */
  async restore(id: string, version: number): Promise<WorkflowRecord> {
    const old = await this.getVersion(id, version);
    return this.saveDraft(id, WorkflowDocumentSchema.parse(old.document));
  }

  /** The document a run of this workflow should execute: a published version, the latest one, or the draft. */
  async documentForRun(record: WorkflowRecord, version: number | 'draft' | undefined): Promise<ChosenDocument> {
    const id = record.id;
    if (version === 'draft') {
      this.assertRunnable(record.draft);
      return { document: record.draft, version: 'draft' };
    }
    const chosen = version ?? record.latestVersion;
    if (chosen === undefined) {
      throw new MedflowError({
        code: 'WORKFLOW_NOT_PUBLISHED', category: 'USER',
        message: 'workflow has no published version; publish it, or run the draft with "version": "draft"',
        details: { workflowId: id },
      });
    }
    const { document } = await this.getVersion(id, chosen);
    // Checked again at run time: the policy may have tightened since the version was published.
    this.assertRunnable(document);
    return { document, version: chosen };
  }
}
