import { defineNode, field, port, PortKinds, t, z } from '@medflow/sdk';

/**
 * Joins branches. It waits only for branches that are still live: a branch skipped by a condition
 * does not hold it up, and it is skipped itself only when every branch was.
 */
export default defineNode({
  type: 'core/merge',
  version: 1,
  replaySafe: true,
  display: {
    title: t('合流', 'Merge'),
    category: 'logic',
    icon: '⋈',
    description: t('分岐した流れをまとめます。実行された経路の値だけを受け取ります', 'Joins branches, taking values only from branches that ran'),
  },
  inputs: { in: port(PortKinds.any, { multiple: true, title: t('入力', 'Inputs') }) },
  outputs: { value: port(PortKinds.any, { title: t('値', 'Value') }) },
  config: z.object({
    mode: z.enum(['first', 'array', 'object']).default('first')
      .describe('first: the first live value; array: all live values; object: values keyed by source node')
      .meta(field('まとめ方', 'Mode', 'first: 最初の値 / array: すべての値の配列 / object: ノードIDごと')),
  }),
  async execute(ctx, { in: incoming }) {
    switch (ctx.config.mode) {
      case 'first': return { value: incoming[0]!.value };
      case 'array': return { value: incoming.map((i) => i.value) };
      case 'object': return { value: Object.fromEntries(incoming.map((i) => [i.from.node, i.value])) };
    }
  },
});
