import { DEFAULT_CAPABILITIES, WorkflowDocumentSchema, type AnyNodeDefinition, type WorkflowDocument } from '@medflow/sdk';
import type { Problem } from '../engine/index.js';

/**
 * `deny-external` (default): no node may send anything beyond the hospital network.
 * `redacted-only`: external egress is allowed for data that passed a redaction node, never for raw patient data.
 */
export type EgressMode = 'deny-external' | 'redacted-only';

export interface EgressPolicy {
  mode: EgressMode;
  /** Hosts inside the hospital network (`his.hospital.local`, `10.0.0.5:8080`); anything else is external. */
  internalHosts: string[];
}

type Lookup = (type: string, version: number, pin?: string) => AnyNodeDefinition | undefined;
type Egress = 'none' | 'internal' | 'external';

function hostsOf(url: string): string[] {
  try { const u = new URL(url); return [u.host.toLowerCase(), u.hostname.toLowerCase()]; } catch { return []; }
}

/** A node's egress for its config: declared, or from the hosts its config targets. */
export function egressOf(def: AnyNodeDefinition, config: unknown, policy: EgressPolicy): Egress {
  const declared = def.capabilities?.egress ?? DEFAULT_CAPABILITIES.egress;
  if (!def.egressTargets) return declared;
  let targets: string[] = [];
  try { targets = def.egressTargets(def.config.parse(config)); } catch { return 'external'; }
  if (!targets.length) return 'none';
  const internal = new Set(policy.internalHosts.map((h) => h.toLowerCase()));
  // An entry names a host (any port) or a host:port.
  return targets.every((t) => hostsOf(t).some((h) => internal.has(h))) ? 'internal' : 'external';
}

/**
 * Patient-data taint: every run input is patient data; it flows along edges through every node except
 * one declaring `phi: 'redacts'` (its outputs are de-identified) or `phi: 'none'`. Returns a problem for
 * each node the policy forbids, naming the path the data would take.
 */
export function checkEgress(raw: unknown, lookup: Lookup, policy: EgressPolicy): Problem[] {
  const parsed = WorkflowDocumentSchema.safeParse(raw);
  if (!parsed.success) return [];
  const doc: WorkflowDocument = parsed.data;
  const defs = new Map(doc.nodes.map((n) => [n.id, lookup(n.type, n.typeVersion, n.package)]));
  const title = (id: string) => `${defs.get(id)?.display.title.ja ?? doc.nodes.find((n) => n.id === id)?.type} (${id})`;
  const problems: Problem[] = [];

  // Breadth-first from the input nodes; `from` remembers how taint reached each node.
  const from = new Map<string, string | null>();
  const queue: string[] = [];
  for (const n of doc.nodes) if (defs.get(n.id)?.role === 'input') { from.set(n.id, null); queue.push(n.id); }
  while (queue.length) {
    const id = queue.shift()!;
    const phi = defs.get(id)?.capabilities?.phi ?? DEFAULT_CAPABILITIES.phi;
    if (phi !== 'passes' && from.get(id) !== null) continue; // redacting nodes stop the taint (inputs are always sources)
    for (const e of doc.edges) {
      if (e.from.node !== id || from.has(e.to.node)) continue;
      from.set(e.to.node, id);
      queue.push(e.to.node);
    }
  }
  const pathTo = (id: string) => {
    const path: string[] = [];
    for (let at: string | null | undefined = id; at; at = from.get(at)) path.unshift(title(at));
    return path.join(' → ');
  };

  doc.nodes.forEach((n, i) => {
    const def = defs.get(n.id);
    if (!def) return;
    const egress = egressOf(def, n.config, policy);
    if (egress !== 'external') return;
    if (policy.mode === 'deny-external') {
      problems.push({ code: 'EGRESS_FORBIDDEN', path: `nodes.${i}`, nodeId: n.id, message: `${title(n.id)} would send data outside the hospital network, and the egress policy allows no external egress / 院外への送信はポリシーで禁止されています` });
    } else if (from.has(n.id) && from.get(n.id) !== null) {
      problems.push({ code: 'EGRESS_PHI_TAINTED', path: `nodes.${i}`, nodeId: n.id, message: `patient data would leave the hospital unredacted: ${pathTo(n.id)}; put a redaction node before it / 患者情報が匿名化されずに院外へ送信されます` });
    }
  });
  return problems;
}
