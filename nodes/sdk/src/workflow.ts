import { z } from 'zod';

const ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const idMessage = 'must start with a letter and contain only letters, digits, "_" or "-" (max 64)';

export const PortRefSchema = z.object({
  node: z.string().regex(ID, idMessage),
  port: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a port name'),
});

export const EdgeSchema = z.object({
  id: z.string().max(128).optional(),
  from: PortRefSchema,
  to: PortRefSchema,
});

/** Per-instance overrides of a node's limits. */
export const NodeSettingsSchema = z.object({
  timeoutMs: z.number().int().min(100).max(24 * 3600_000).optional(),
  retries: z.number().int().min(0).max(10).optional(),
  retryBackoffMs: z.number().int().min(0).max(600_000).optional(),
});

export const WorkflowNodeSchema = z.object({
  id: z.string().regex(ID, idMessage),
  type: z.string().min(1).max(128),
  typeVersion: z.number().int().min(1),
  label: z.string().max(200).optional(),
  config: z.record(z.string(), z.unknown()).default({}),
  position: z.object({ x: z.number().finite(), y: z.number().finite() }).default({ x: 0, y: 0 }),
  settings: NodeSettingsSchema.optional(),
  /**
   * For nodes from an installed package: the package version the node runs with (`name@1.2.3`). The
   * server fills it in when the node is first saved and keeps it across saves, so installing a newer
   * version never changes what an existing workflow does.
   */
  package: z.string().max(260).regex(/^(@[a-z0-9][a-z0-9-._~]*\/)?[a-z0-9][a-z0-9-._~]*@\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'must look like "name@1.2.3"').optional(),
});

/**
 * A workflow as saved, shared and run. Node types are pinned by `typeVersion`, so a template keeps
 * working when a newer version of a node ships.
 *
 * @example
 * WorkflowDocumentSchema.parse({
 *   name: '要約', nodes: [{ id: 'note', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } }],
 *   edges: [],
 * });
 */
export const WorkflowDocumentSchema = z.object({
  schemaVersion: z.literal(1).default(1),
  name: z.string().trim().min(1, 'name is required').max(200),
  description: z.string().max(5000).optional(),
  nodes: z.array(WorkflowNodeSchema).max(2000),
  edges: z.array(EdgeSchema).max(10_000),
});

export type PortRef = z.infer<typeof PortRefSchema>;
export type Edge = z.infer<typeof EdgeSchema>;
export type WorkflowNode = z.infer<typeof WorkflowNodeSchema>;
export type WorkflowDocument = z.infer<typeof WorkflowDocumentSchema>;
export type WorkflowDocumentInput = z.input<typeof WorkflowDocumentSchema>;
