import type { Incoming } from '@medflow/sdk';

/**
 * Names upstream values after the node they come from (`{{note}}`); when one node feeds several ports
 * they nest by port (`{{ocr.text}}`). `input` is the first value. The scope has no prototype, so
 * `{{constructor}}` finds nothing.
 */
export function buildScope(values: Incoming[]): Record<string, unknown> {
  const scope: Record<string, unknown> = Object.create(null);
  const byNode = new Map<string, Incoming[]>();
  for (const v of values) byNode.set(v.from.node, [...(byNode.get(v.from.node) ?? []), v]);
  for (const [node, list] of byNode) {
    scope[node] = list.length === 1 ? list[0]!.value : Object.fromEntries(list.map((v) => [v.from.port, v.value]));
  }
  if (values.length) scope.input = values[0]!.value;
  return scope;
}
