import { PortKinds, type AnyNodeDefinition, type NodeCapabilities, type NodeCategory, type NodeOrigin, type PackageCapabilities, type PortKind, type PortSpec } from '@medflow/sdk';
import { z } from 'zod';
import type { GuestNodeDescription } from './description.js';
import { grantedServices, hostCallHandler } from './host-services.js';
import type { PackageSandbox } from './package-sandbox.js';

const CATEGORIES: NodeCategory[] = ['input', 'output', 'logic', 'text', 'ai', 'medical', 'review', 'utility', 'custom'];
const KNOWN_KINDS: Record<string, PortKind> = Object.fromEntries(Object.values(PortKinds).map((k) => [k.name, k]));

/** Problems that make a package's node unusable on this server (checked at install, again at start). */
export function descriptionProblems(description: GuestNodeDescription, declaredTypes: readonly string[]): string[] {
  const problems: string[] = [];
  const where = `${description.type}@${description.version}`;
  if (!declaredTypes.includes(description.type)) problems.push(`${where}: the node is not listed in package.json medflow.nodes`);
  if (description.dynamicOutputs || description.sandbox?.hasDynamicOutputs) problems.push(`${where}: dynamicOutputs are not supported for sandboxed nodes`);
  if (description.role || description.sandbox?.hasRole) problems.push(`${where}: sandboxed nodes cannot be run input or output nodes`);
  for (const [side, ports] of [['input', description.inputs], ['output', description.outputs]] as const) {
    for (const [name, port] of Object.entries(ports)) {
      if (!KNOWN_KINDS[port.kind]) problems.push(`${where}: ${side} "${name}" has kind "${port.kind}"; use one of ${Object.keys(KNOWN_KINDS).join(', ')}`);
    }
  }
  return problems;
}

/**
 * Keywords the host's config check drops: patterns and references from an untrusted schema could make
 * the host's validator slow (ReDoS) or loop. The sandbox validates the full schema again at execution.
 */
const UNSAFE_KEYWORDS = new Set(['pattern', 'patternProperties', '$ref', '$defs', 'definitions', '$dynamicRef', 'format']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const SUBSCHEMA = new Set(['items', 'additionalProperties', 'not', 'propertyNames', 'contains', 'if', 'then', 'else']);
const SUBSCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);

/** Walks schema positions only: a property *named* `format` or `pattern` is kept, the keywords are not. */
function sanitizeSchema(schema: unknown, depth = 0): unknown {
  if (typeof schema === 'boolean') return schema;
  if (!isObject(schema) || depth > 12) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (UNSAFE_KEYWORDS.has(key)) continue;
    if (key === 'properties' && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).slice(0, 500).map(([name, sub]) => [name, sanitizeSchema(sub, depth + 1)]));
    } else if (SUBSCHEMA.has(key)) {
      out[key] = sanitizeSchema(value, depth + 1);
    } else if (SUBSCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.slice(0, 100).map((sub) => sanitizeSchema(sub, depth + 1));
    } else {
      out[key] = value; // data: enum, const, default, required, titles…
    }
  }
  return out;
}

function hostConfigSchema(jsonSchema: Record<string, unknown>): z.ZodType {
  try {
    const { $schema: _ignored, ...rest } = sanitizeSchema(jsonSchema) as Record<string, unknown>;
    return z.fromJSONSchema(rest as never);
  } catch {
    return z.record(z.string(), z.unknown());
  }
}

function portsOf(ports: GuestNodeDescription['inputs']): Record<string, PortSpec> {
  return Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, {
    kind: KNOWN_KINDS[port.kind] ?? PortKinds.json,
    ...(port.title ? { title: port.title } : {}),
    ...(port.description ? { description: port.description } : {}),
    ...(port.optional ? { optional: true } : {}),
    ...(port.multiple ? { multiple: true } : {}),
  }]));
}

/**
 * What the catalogue and the compliance policy see of a sandboxed node: the package's approved
 * capabilities, not what the node claims. It may not say it redacts patient data (that would let data
 * past the egress policy), and using a model makes its outputs AI drafts whatever it declares.
 */
function effectiveCapabilities(description: GuestNodeDescription, caps: PackageCapabilities): NodeCapabilities {
  const services = grantedServices(caps);
  const claimed = description.capabilities.ai;
  const ai = services.includes('llm') ? 'generates' : claimed === 'generates' ? 'generates'
    : services.includes('ocr') || services.includes('transcription') ? 'recognises' : claimed;
  return { egress: caps.egress, networkHosts: [...caps.networkHosts], gpu: caps.gpu, phi: 'passes', ai };
}

/**
 * Registry definitions for the nodes of a loaded package: their metadata comes from inside the
 * sandbox, their `execute` crosses into it.
 */
export function sandboxedDefinitions(sandbox: PackageSandbox, origin: NodeOrigin, caps: PackageCapabilities): AnyNodeDefinition[] {
  const granted = grantedServices(caps);
  // Computed once per package, not per execution.
  const grantedSet: ReadonlySet<string> = new Set(granted);
  const pin = `${origin.package}@${origin.version}`;
  return sandbox.descriptions.map((description, index): AnyNodeDefinition => {
    const category = CATEGORIES.includes(description.display.category as NodeCategory) ? description.display.category as NodeCategory : 'custom';
    const capabilities = effectiveCapabilities(description, caps);
    return {
      type: description.type,
      version: description.version,
      display: { ...description.display, category },
      inputs: portsOf(description.inputs),
      outputs: portsOf(description.outputs),
      config: hostConfigSchema(description.configSchema),
      configJsonSchema: description.configSchema,
      capabilities,
      egressTargets: () => caps.networkHosts.map((host) => `https://${host}/`),
      limits: {
        timeoutMs: Math.min(description.limits.timeoutMs, sandbox.options.limits.wallMs),
        retries: description.limits.retries,
        retryBackoffMs: description.limits.retryBackoffMs,
        ...(caps.gpu !== 'none' && (caps.services.includes('llm') || caps.services.includes('transcription')) ? { pool: 'gpu' } : {}),
      },
      origin,
      async execute(ctx, inputs) {
        const request = {
          config: ctx.config, inputs: inputs as Record<string, unknown>, runId: ctx.runId, nodeId: ctx.nodeId,
          // Run inputs are for input nodes, which sandboxed nodes cannot be: the package sees only its own inputs.
          attempt: ctx.attempt, runInputs: {}, granted,
        };
        return sandbox.execute(index, request, hostCallHandler(ctx, caps, pin, grantedSet), ctx.signal);
      },
    };
  });
}
