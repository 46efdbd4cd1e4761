import { z } from 'zod';
import type { NodeContext } from './context.js';
import type { LocalizedText } from './i18n.js';
import type { NodeOrigin } from './package-manifest.js';
import type { Incoming, PortSpec } from './ports.js';

export type NodeCategory = 'input' | 'output' | 'logic' | 'text' | 'ai' | 'medical' | 'review' | 'utility' | 'custom';

export interface NodeDisplay {
  title: LocalizedText;
  category: NodeCategory;
  description: LocalizedText;
  /** A short symbol for the palette (emoji or icon name). */
  icon?: string;
}

/**
 * What a node may do. Everything is denied unless declared; the compliance policy reads this to
 * refuse workflows where patient data could leave the hospital.
 */
export interface NodeCapabilities {
  /** Whether the node sends data outside the server: `external` means beyond the hospital network. */
  egress: 'none' | 'internal' | 'external';
  /** Hosts the node may contact through the host-checked fetch service. */
  networkHosts: string[];
  gpu: 'none' | 'optional' | 'required';
  /** `passes`: outputs may carry patient data from inputs; `redacts`: outputs are de-identified. */
  phi: 'passes' | 'redacts' | 'none';
  /**
   * Whether a model made the outputs: `generates` (an LLM wrote or extracted them) or `recognises`
   * (read by machine from an image or a recording). Such values, and everything derived from them,
   * are labelled AI drafts until a physician confirms them.
   */
  ai: 'none' | 'recognises' | 'generates';
}

export const DEFAULT_CAPABILITIES: NodeCapabilities = Object.freeze({ egress: 'none', networkHosts: [], gpu: 'none', phi: 'passes', ai: 'none' }) as NodeCapabilities;

export interface NodeLimits {
  /** Per attempt. */
  timeoutMs: number;
  /** Extra attempts after the first failure (USER errors are never retried). */
  retries: number;
  /** First back-off; doubles each retry, with jitter. */
  retryBackoffMs: number;
  /** Named resource pool (e.g. `gpu`) whose concurrency is shared by all runs. */
  pool?: string;
}

export const DEFAULT_LIMITS: NodeLimits = Object.freeze({ timeoutMs: 60_000, retries: 0, retryBackoffMs: 500 }) as NodeLimits;

/** A value the person starting a run must (or may) give, declared by input nodes. */
export interface RunInputDescriptor {
  name: string;
  kind: 'text' | 'file' | 'json';
  required: boolean;
  title?: string;
  /** For files: accepted media types (`image/*`, `application/pdf`…). */
  accept?: string[];
  maxBytes?: number;
}

export type Ports = Record<string, PortSpec<any>>;
type PortValue<P> = P extends PortSpec<infer T> ? T : never;

/** The values a node receives: `multiple` inputs get every live value, `optional` ones may be undefined. */
export type InputValues<I extends Ports> = {
  [K in keyof I]: I[K] extends { multiple: true }
    ? Array<Incoming<PortValue<I[K]>>>
    : I[K] extends { optional: true } ? PortValue<I[K]> | undefined : PortValue<I[K]>;
};

/** The values a node returns. A missing key means that branch is not taken (downstream is skipped). */
export type OutputValues<O extends Ports> = { [K in keyof O]?: PortValue<O[K]> } & Record<string, unknown>;

export interface ConfigMigration {
  /** Upgrades a config written for version `from` to version `from + 1`. */
  from: number;
  migrate(config: Record<string, unknown>): Record<string, unknown>;
}

export interface NodeDefinition<C extends z.ZodType = z.ZodType, I extends Ports = Ports, O extends Ports = Ports> {
  /** `<namespace>/<name>`, kebab-case, e.g. `core/template` or `medical/icd-coder`. */
  type: string;
  version: number;
  display: NodeDisplay;
  inputs: I;
  outputs: O;
  config: C;
  /** Output ports that depend on config (a switch's cases). Replaces `outputs` when present. */
  dynamicOutputs?: (config: z.output<C>) => Ports;
  capabilities?: Partial<NodeCapabilities>;
  /**
   * For nodes that contact other systems: the URLs a given config will reach. The egress policy
   * classifies each host (inside the hospital or not) to decide whether patient data may flow there.
   */
  egressTargets?: (config: z.output<C>) => string[];
  limits?: Partial<NodeLimits>;
  migrations?: ConfigMigration[];
  /** `input` nodes read run inputs (see `runInput`); `output` nodes publish their `value` output as a run output. */
  role?: 'input' | 'output';
  /**
   * Run again after a crash, the node gives the same outputs and does nothing outside the run (no request, no file,
   * no model call, no suspension): the engine then need not wait for its checkpoint before going on, and such a
   * node may run twice after a crash. Only built-in nodes can say so; a package's nodes never count as replay-safe.
   */
  replaySafe?: boolean;
  runInput?: (config: z.output<C>) => RunInputDescriptor;
  /** For `output` nodes: the name the run output is published under. */
  runOutputName?: (config: z.output<C>) => string;
  /**
   * Outputs a person has confirmed (a review gate's approved values): AI-draft labels stop there, since
   * what flows on is the physician's decision, not the model's draft.
   */
  confirmedOutputs?: string[];
  /** Set for nodes from an installed package: they run in the sandbox, and workflows pin the package version. */
  origin?: NodeOrigin;
  /**
   * The config's JSON Schema when `config` was itself built from one (sandboxed nodes describe their
   * config inside the sandbox); shown to the editor as is instead of being derived from `config`.
   */
  configJsonSchema?: Record<string, unknown>;
  execute(ctx: NodeContext<z.output<C>>, inputs: InputValues<I>): Promise<OutputValues<O>>;
}

/** A definition with its type parameters erased, as registries hold them. */
export type AnyNodeDefinition = NodeDefinition<z.ZodType, Ports, Ports>;

const TYPE_PATTERN = /^[a-z0-9-]+\/[a-z0-9-]+$/;
const PORT_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * Declares a node. Checks the declaration at load time so mistakes surface when the server starts,
 * not when a physician runs a flow.
 *
 * @example
 * export default defineNode({
 *   type: 'core/uppercase', version: 1,
 *   display: { title: t('大文字化', 'Uppercase'), category: 'text', description: t('英字を大文字に', 'Uppercases text') },
 *   inputs: { text: port(PortKinds.text) },
 *   outputs: { text: port(PortKinds.text) },
 *   config: z.object({}),
 *   async execute(_ctx, { text }) { return { text: text.toUpperCase() }; },
 * });
 */
export function defineNode<C extends z.ZodType, I extends Ports, O extends Ports>(def: NodeDefinition<C, I, O>): NodeDefinition<C, I, O> {
  const problems: string[] = [];
  if (!TYPE_PATTERN.test(def.type)) problems.push(`type must look like "namespace/name" in kebab-case`);
  if (!Number.isInteger(def.version) || def.version < 1) problems.push('version must be a positive integer');
  for (const [side, ports] of [['input', def.inputs], ['output', def.outputs]] as const) {
    for (const name of Object.keys(ports)) if (!PORT_NAME.test(name)) problems.push(`${side} port name "${name}" is not an identifier`);
  }
  if (def.role === 'input' && !def.runInput) problems.push('input nodes must declare runInput');
  if (def.role === 'output' && !def.runOutputName) problems.push('output nodes must declare runOutputName');
  for (const m of def.migrations ?? []) if (m.from < 1 || m.from >= def.version) problems.push(`migration from ${m.from} is outside 1..${def.version - 1}`);
  if (problems.length) throw new Error(`invalid node definition ${def.type}@${def.version}: ${problems.join('; ')}`);
  return def;
}

/** The effective output ports of a node with a given config. */
export function outputPortsOf(def: AnyNodeDefinition, config: unknown): Ports {
  return def.dynamicOutputs ? def.dynamicOutputs(config) : def.outputs;
}
