import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes, MedflowError, WorkflowDocumentSchema, type WorkflowDocument } from '@medflow/sdk';

export interface TemplateSummary {
  slug: string;
  name: string;
  description: string;
  nodeCount: number;
}

const SLUG = /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)?$/;

/**
 * Bundled templates: every `templates/<slug>/workflow.json` (one level of grouping allowed), with the
 * first paragraph of its README as the description. Read from disk on request so that hospital IT can
 * drop a template folder in without a restart.
 */
export class TemplateLibrary {
  constructor(private readonly root: string) {}

  async list(): Promise<TemplateSummary[]> {
    const slugs = await this.findSlugs();
    const out: TemplateSummary[] = [];
    for (const slug of slugs) {
      try { out.push((await this.load(slug)).template); } catch { /* an unreadable template is left out of the gallery */ }
    }
    return out.sort((a, b) => a.slug.localeCompare(b.slug));
  }

  async load(slug: string): Promise<{ template: TemplateSummary; document: WorkflowDocument }> {
    if (!SLUG.test(slug)) throw new MedflowError({ code: ErrorCodes.NOT_FOUND, category: 'USER', message: `no template "${slug}"`, details: { slug } });
    const dir = join(this.root, ...slug.split('/'));
    let raw: string;
    try { raw = await readFile(join(dir, 'workflow.json'), 'utf8'); } catch {
      throw new MedflowError({ code: ErrorCodes.NOT_FOUND, category: 'USER', message: `no template "${slug}"`, details: { slug } });
    }
    const document = WorkflowDocumentSchema.parse(JSON.parse(raw));
    const readme = await readFile(join(dir, 'README.md'), 'utf8').catch(() => '');
    const description = readme.split(/\n\s*\n/).map((p) => p.trim()).find((p) => p && !p.startsWith('#')) ?? document.description ?? '';
    return { template: { slug, name: document.name, description, nodeCount: document.nodes.length }, document };
  }

  private async findSlugs(): Promise<string[]> {
    const slugs: string[] = [];
    const walk = async (dir: string, prefix: string, depth: number) => {
      let entries: string[];
      try { entries = await readdir(dir); } catch { return; }
      for (const name of entries) {
        const path = join(dir, name);
        if (!(await stat(path)).isDirectory()) continue;
        const slug = prefix ? `${prefix}/${name}` : name;
        if (await stat(join(path, 'workflow.json')).then(() => true, () => false)) slugs.push(slug);
        else if (depth < 1) await walk(path, slug, depth + 1);
      }
    };
    await walk(this.root, '', 0);
    return slugs.filter((s) => SLUG.test(s));
  }
}
