import { z } from 'zod';
import { DEFAULT_CAPABILITIES, DEFAULT_LIMITS, type AnyNodeDefinition, type NodeCapabilities, type NodeDisplay, type NodeLimits } from './define-node.js';
import type { LocalizedText } from './i18n.js';
import type { NodeOrigin } from './package-manifest.js';
import { kindLineage, type PortSpec } from './ports.js';

export interface PortDescription {
  kind: string;
  /** The kind and its ancestors: an edge may go to any port whose kind is in this list, or `any`. */
  lineage: string[];
  title?: LocalizedText;
  description?: LocalizedText;
  optional: boolean;
  multiple: boolean;
}

/** A node type as the editor and API clients see it: plain JSON, no code. */
export interface NodeTypeDescription {
  type: string;
  version: number;
  latest: boolean;
  display: NodeDisplay;
  inputs: Record<string, PortDescription>;
  outputs: Record<string, PortDescription>;
  dynamicOutputs: boolean;
  configSchema: Record<string, unknown>;
  capabilities: NodeCapabilities;
  limits: NodeLimits;
  role?: 'input' | 'output';
  /** Present for nodes from an installed package (they run sandboxed). */
  origin?: NodeOrigin;
}

function describePort(spec: PortSpec): PortDescription {
  return {
    kind: spec.kind.name,
    lineage: kindLineage(spec.kind),
    ...(spec.title ? { title: spec.title } : {}),
    ...(spec.description ? { description: spec.description } : {}),
    optional: spec.optional === true,
    multiple: spec.multiple === true,
  };
}

/**
 * Describes a node definition as JSON, with its config as JSON Schema (input form: fields with
 * defaults are optional), for the editor's palette and generated forms.
 *
 * @example
 * const entry = describeNode(templateNode, { latest: true });
 * entry.configSchema.properties.template // { type: 'string', ... }
 */
export function describeNode(def: AnyNodeDefinition, options: { latest: boolean }): NodeTypeDescription {
  const mapPorts = (ports: Record<string, PortSpec>) => Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, describePort(v)]));
  return {
    type: def.type,
    version: def.version,
    latest: options.latest,
    display: def.display,
    inputs: mapPorts(def.inputs),
    outputs: mapPorts(def.outputs),
    dynamicOutputs: typeof def.dynamicOutputs === 'function',
    configSchema: def.configJsonSchema ?? z.toJSONSchema(def.config, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    capabilities: { ...DEFAULT_CAPABILITIES, ...def.capabilities },
    limits: { ...DEFAULT_LIMITS, ...def.limits },
    ...(def.role ? { role: def.role } : {}),
    ...(def.origin ? { origin: def.origin } : {}),
  };
}
