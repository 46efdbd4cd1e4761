import { DEFAULT_CAPABILITIES, type AnyNodeDefinition, type WorkflowDocument } from '@medflow/sdk';

/** A node definition by type and version; `pin` (`name@1.2.3`) selects an installed package's version. */
export type NodeLookup = (type: string, version: number, pin?: string) => AnyNodeDefinition | undefined;

/** A node whose model made (or machine-read) a value. */
export interface AiSource { nodeId: string; type: string; kind: 'generates' | 'recognises'; title: { ja: string; en: string } }

export interface Provenance {
  /** True when a model made the value or anything it was derived from, and no physician has confirmed it yet. */
  aiDraft: boolean;
  sources: AiSource[];
}

/**
 * Which AI nodes each node's outputs derive from: a node declaring `ai: generates | recognises` is a
 * source, and its influence flows along every edge downstream (a template that quotes an LLM's draft is
 * still an AI draft). Outputs a node declares confirmed (a review gate's approved values) stop it, and
 * `confirmed` can name further nodes whose outputs a person confirmed.
 */
export function aiProvenance(doc: WorkflowDocument, lookup: NodeLookup, confirmed: ReadonlySet<string> = new Set()): Map<string, Provenance> {
  const defs = new Map(doc.nodes.map((n) => [n.id, lookup(n.type, n.typeVersion, n.package)]));
  const incoming = new Map<string, string[]>();
  for (const e of doc.edges) {
    // A confirmed output (a review gate's approved values) carries the physician's decision, not a draft.
    if (defs.get(e.from.node)?.confirmedOutputs?.includes(e.from.port)) continue;
    incoming.set(e.to.node, [...(incoming.get(e.to.node) ?? []), e.from.node]);
  }
  const memo = new Map<string, AiSource[]>();
  const visiting = new Set<string>();

  const sourcesOf = (id: string): AiSource[] => {
    const known = memo.get(id);
    if (known) return known;
    if (visiting.has(id) || confirmed.has(id)) return []; // a cycle never validates; confirmed values are not drafts
    visiting.add(id);
    const found = new Map<string, AiSource>();
    const def = defs.get(id);
    const kind = def?.capabilities?.ai ?? DEFAULT_CAPABILITIES.ai;
    if (def && kind !== 'none') found.set(id, { nodeId: id, type: def.type, kind, title: def.display.title });
    for (const upstream of incoming.get(id) ?? []) for (const s of sourcesOf(upstream)) found.set(s.nodeId, s);
    visiting.delete(id);
    const sources = [...found.values()];
    memo.set(id, sources);
    return sources;
  };

  return new Map(doc.nodes.map((n) => {
    const sources = sourcesOf(n.id);
    return [n.id, { aiDraft: sources.length > 0, sources }];
  }));
}

/** Provenance of each run result (`run.outputs[name]`), from the output node that published it. */
export function outputProvenance(doc: WorkflowDocument, lookup: NodeLookup, byNode: Map<string, Provenance> = aiProvenance(doc, lookup)): Record<string, Provenance & { nodeId: string }> {
  const out: Record<string, Provenance & { nodeId: string }> = {};
  for (const n of doc.nodes) {
    const def = lookup(n.type, n.typeVersion, n.package);
    if (def?.role !== 'output' || !def.runOutputName) continue;
    let name: string;
    try { name = def.runOutputName(def.config.parse(n.config)); } catch { continue; }
    out[name] = { nodeId: n.id, ...byNode.get(n.id)! };
  }
  return out;
}
