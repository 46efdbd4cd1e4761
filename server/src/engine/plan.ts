import {
  DEFAULT_LIMITS, WorkflowDocumentSchema, canConnect, outputPortsOf,
  type AnyNodeDefinition, type Edge, type NodeLimits, type Ports, type RunInputDescriptor, type WorkflowDocument, type WorkflowNode,
} from '@medflow/sdk';
import { problemsFromZod, type Problem } from './problems.js';
import type { NodeRegistry } from './registry.js';

export interface PlannedNode {
  node: WorkflowNode;
  def: AnyNodeDefinition;
  /** Config after zod parsing (defaults filled in). */
  config: unknown;
  inputs: Ports;
  outputs: Ports;
  limits: NodeLimits;
  /** Edges into this node, grouped by input port. */
  incoming: Map<string, Edge[]>;
  /** Edges out of this node. */
  outgoing: Edge[];
}

/** A validated workflow, ready to execute. */
export interface ExecutionPlan {
  document: WorkflowDocument;
  nodes: Map<string, PlannedNode>;
  /** Topological order: a node comes after everything it depends on. */
  order: string[];
  runInputs: RunInputDescriptor[];
  runOutputs: Array<{ name: string; nodeId: string }>;
}

export type PlanResult = { ok: true; plan: ExecutionPlan } | { ok: false; problems: Problem[] };

/**
 * Validates a workflow document against the registry and returns either a plan or every problem at
 * once, so an author fixes them in one pass rather than one per save.
 */
export function planWorkflow(raw: unknown, registry: NodeRegistry): PlanResult {
  const parsed = WorkflowDocumentSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: problemsFromZod(parsed.error) };
  const document = parsed.data;
  const problems: Problem[] = [];
  const nodes = new Map<string, PlannedNode>();
  const known = new Set<string>();

  document.nodes.forEach((node, i) => {
    const at = (p: string) => `nodes.${i}${p}`;
    if (known.has(node.id)) {
      problems.push({ code: 'DUPLICATE_NODE_ID', path: at('.id'), nodeId: node.id, message: `node id "${node.id}" is used more than once` });
      return;
    }
    known.add(node.id);
    const def = registry.get(node.type, node.typeVersion, node.package);
    if (!def && node.package) {
      const installed = registry.packageVersions(node.type);
      problems.push({ code: 'PACKAGE_NOT_INSTALLED', path: at('.package'), nodeId: node.id, message: `${node.type} needs package ${node.package}, which is not installed${installed.length ? ` (installed: ${installed.join(', ')})` : ''}` });
      return;
    }
    if (!def) {
      const versions = registry.versions(node.type);
      problems.push(versions.length
        ? { code: 'UNKNOWN_NODE_VERSION', path: at('.typeVersion'), nodeId: node.id, message: `${node.type} has no version ${node.typeVersion} (available: ${versions.join(', ')})` }
        : { code: 'UNKNOWN_NODE_TYPE', path: at('.type'), nodeId: node.id, message: `unknown node type "${node.type}"` });
      return;
    }
    const config = def.config.safeParse(node.config);
    if (!config.success) problems.push(...problemsFromZod(config.error, ['nodes', i, 'config'], { nodeId: node.id }));
    const limits: NodeLimits = { ...DEFAULT_LIMITS, ...def.limits, ...node.settings };
    nodes.set(node.id, {
      node, def, config: config.success ? config.data : undefined, limits,
      inputs: def.inputs,
      // Dynamic outputs need a valid config; without one, edges from them are reported as unknown ports below.
      outputs: config.success ? outputPortsOf(def, config.data) : def.dynamicOutputs ? {} : def.outputs,
      incoming: new Map(), outgoing: [],
    });
  });

  const seenEdges = new Set<string>();
  // Inputs some edge points at, valid or not: an input whose only edge is broken is reported once, on the edge.
  const targeted = new Set(document.edges.map((e) => `${e.to.node}.${e.to.port}`));
  document.edges.forEach((edge, i) => {
    const at = `edges.${i}`;
    const from = nodes.get(edge.from.node);
    const to = nodes.get(edge.to.node);
    if (!known.has(edge.from.node)) problems.push({ code: 'EDGE_UNKNOWN_NODE', path: `${at}.from.node`, edgeIndex: i, message: `edge starts at unknown node "${edge.from.node}"` });
    if (!known.has(edge.to.node)) problems.push({ code: 'EDGE_UNKNOWN_NODE', path: `${at}.to.node`, edgeIndex: i, message: `edge ends at unknown node "${edge.to.node}"` });
    if (!from || !to) return;
    const key = `${edge.from.node}.${edge.from.port}>${edge.to.node}.${edge.to.port}`;
    if (seenEdges.has(key)) {
      problems.push({ code: 'DUPLICATE_EDGE', path: at, edgeIndex: i, message: `edge ${key} appears twice` });
      return;
    }
    seenEdges.add(key);
    const out = from.outputs[edge.from.port];
    const inp = to.inputs[edge.to.port];
    if (!out) problems.push({ code: 'UNKNOWN_OUTPUT_PORT', path: `${at}.from.port`, edgeIndex: i, nodeId: from.node.id, message: `${from.node.id} (${from.def.type}) has no output "${edge.from.port}"` });
    if (!inp) problems.push({ code: 'UNKNOWN_INPUT_PORT', path: `${at}.to.port`, edgeIndex: i, nodeId: to.node.id, message: `${to.node.id} (${to.def.type}) has no input "${edge.to.port}"` });
    if (!out || !inp) return;
    if (!canConnect(out.kind, inp.kind)) {
      problems.push({
        code: 'INCOMPATIBLE_PORTS', path: at, edgeIndex: i, nodeId: to.node.id,
        message: `cannot connect ${from.node.id}.${edge.from.port} (${out.kind.name}) to ${to.node.id}.${edge.to.port} (${inp.kind.name})`,
      });
      return;
    }
    const existing = to.incoming.get(edge.to.port) ?? [];
    if (existing.length > 0 && !inp.multiple) {
      problems.push({ code: 'INPUT_ALREADY_CONNECTED', path: at, edgeIndex: i, nodeId: to.node.id, message: `${to.node.id}.${edge.to.port} accepts one connection; use a merge node to join branches` });
      return;
    }
    existing.push(edge);
    to.incoming.set(edge.to.port, existing);
    from.outgoing.push(edge);
  });

  for (const planned of nodes.values()) {
    for (const [name, spec] of Object.entries(planned.inputs)) {
      if (!spec.optional && !targeted.has(`${planned.node.id}.${name}`)) {
        const i = document.nodes.indexOf(planned.node);
        problems.push({ code: 'INPUT_NOT_CONNECTED', path: `nodes.${i}`, nodeId: planned.node.id, message: `required input "${name}" of ${planned.node.id} is not connected` });
      }
    }
  }

  const order = topologicalOrder(nodes);
  if (order.length < nodes.size) {
    const inCycle = [...nodes.keys()].filter((id) => !order.includes(id));
    problems.push({ code: 'CYCLE', path: 'edges', message: `workflow has a cycle through: ${inCycle.join(', ')}` });
  }

  const runInputs: RunInputDescriptor[] = [];
  const runOutputs: Array<{ name: string; nodeId: string }> = [];
  for (const planned of nodes.values()) {
    if (planned.config === undefined) continue;
    const i = document.nodes.indexOf(planned.node);
    if (planned.def.role === 'input' && planned.def.runInput) {
      const descriptor = planned.def.runInput(planned.config);
      if (runInputs.some((d) => d.name === descriptor.name)) {
        problems.push({ code: 'DUPLICATE_RUN_INPUT', path: `nodes.${i}.config.name`, nodeId: planned.node.id, message: `two input nodes are named "${descriptor.name}"` });
      } else runInputs.push(descriptor);
    }
    if (planned.def.role === 'output' && planned.def.runOutputName) {
      const name = planned.def.runOutputName(planned.config);
      if (runOutputs.some((o) => o.name === name)) {
        problems.push({ code: 'DUPLICATE_RUN_OUTPUT', path: `nodes.${i}.config.name`, nodeId: planned.node.id, message: `two output nodes are named "${name}"` });
      } else runOutputs.push({ name, nodeId: planned.node.id });
    }
  }

  if (problems.length) return { ok: false, problems };
  return { ok: true, plan: { document, nodes, order, runInputs, runOutputs } };
}

function topologicalOrder(nodes: Map<string, PlannedNode>): string[] {
  const indegree = new Map<string, number>();
  for (const [id, n] of nodes) indegree.set(id, [...n.incoming.values()].reduce((sum, edges) => sum + edges.length, 0));
  const queue = [...indegree].filter(([, d]) => d === 0).map(([id]) => id);
  const order: string[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    order.push(id);
    for (const edge of nodes.get(id)!.outgoing) {
      const d = indegree.get(edge.to.node)! - 1;
      indegree.set(edge.to.node, d);
      if (d === 0) queue.push(edge.to.node);
    }
  }
  return order;
}
