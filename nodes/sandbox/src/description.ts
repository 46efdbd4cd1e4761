import { z } from 'zod';
import { parseUntrustedJson } from './safe-json.js';

const Localized = z.object({ ja: z.string().max(500), en: z.string().max(500) });
const Port = z.object({
  kind: z.string().max(64),
  lineage: z.array(z.string().max(64)).max(16),
  title: Localized.optional(),
  description: Localized.optional(),
  optional: z.boolean(),
  multiple: z.boolean(),
});
const PortName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/);

/**
 * A node description as it comes out of the sandbox. It is data from untrusted code, so it is checked
 * field by field, with sizes bounded, before anything on the host uses it.
 */
export const GuestNodeDescriptionSchema = z.object({
  type: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/),
  version: z.number().int().min(1).max(10_000),
  latest: z.boolean(),
  display: z.object({
    title: Localized,
    category: z.string().max(32),
    description: Localized,
    icon: z.string().max(16).optional(),
  }),
  inputs: z.record(PortName, Port).refine((ports) => Object.keys(ports).length <= 64, 'at most 64 inputs'),
  outputs: z.record(PortName, Port).refine((ports) => Object.keys(ports).length <= 64, 'at most 64 outputs'),
  dynamicOutputs: z.boolean(),
  configSchema: z.record(z.string(), z.unknown()),
  capabilities: z.object({
    egress: z.enum(['none', 'internal', 'external']),
    networkHosts: z.array(z.string().max(260)).max(20),
    gpu: z.enum(['none', 'optional', 'required']),
    phi: z.enum(['passes', 'redacts', 'none']),
    ai: z.enum(['none', 'recognises', 'generates']),
  }),
  limits: z.object({
    timeoutMs: z.number().int().min(1).max(24 * 3_600_000),
    retries: z.number().int().min(0).max(10),
    retryBackoffMs: z.number().int().min(0).max(600_000),
    pool: z.string().max(64).optional(),
  }),
  role: z.enum(['input', 'output']).optional(),
  sandbox: z.object({ hasDynamicOutputs: z.boolean(), hasRole: z.boolean(), suspends: z.boolean() }).optional(),
});
export type GuestNodeDescription = z.output<typeof GuestNodeDescriptionSchema>;

/** Descriptions from the sandbox, parsed; a problem names the node and field. */
export function parseDescriptions(text: string): GuestNodeDescription[] {
  if (text.length > 2_000_000) throw new Error('node descriptions exceed 2 MB');
  const parsed = z.array(GuestNodeDescriptionSchema).min(1, 'the package exports no nodes').max(100).safeParse(parseUntrustedJson(text));
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || '(descriptions)'}: ${i.message}`).slice(0, 10).join('; '));
  }
  return parsed.data;
}
