import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinNodes } from '@medflow/nodes-builtin';
import { describe, expect, it } from 'vitest';
import { NodeRegistry, planWorkflow } from '../../server/src/engine/index.js';

const root = fileURLToPath(new URL('../../templates/', import.meta.url));
function findWorkflows(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findWorkflows(path);
    return name === 'workflow.json' ? [path] : [];
  });
}

describe('bundled templates', () => {
  const registry = new NodeRegistry().registerAll(builtinNodes);
  const workflows = findWorkflows(root);
  it('has at least one template', () => expect(workflows.length).toBeGreaterThan(0));
  it.each(workflows.map((p) => [p.slice(root.length)]))('%s is a valid workflow with a README', (rel) => {
    const result = planWorkflow(JSON.parse(readFileSync(join(root, rel), 'utf8')), registry);
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(statSync(join(root, rel, '..', 'README.md')).isFile()).toBe(true);
  });
});
