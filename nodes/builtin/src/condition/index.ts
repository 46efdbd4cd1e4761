import { defineNode, field, port, PortKinds, t, z } from '@medflow/sdk';
import { evaluateRule, RuleSchema } from '../shared/rule.js';

/** Sends its input down `true` or `false`; the other branch is skipped. */
export default defineNode({
  type: 'core/condition',
  version: 1,
  replaySafe: true,
  display: {
    title: t('条件分岐', 'Condition'),
    category: 'logic',
    icon: '◇',
    description: t('条件を満たすかどうかで流れを分けます。通らなかった側のノードはスキップされます', 'Routes the value to "true" or "false"; the other branch is skipped'),
  },
  inputs: { value: port(PortKinds.any, { title: t('値', 'Value') }) },
  outputs: {
    true: port(PortKinds.any, { title: t('はい', 'True') }),
    false: port(PortKinds.any, { title: t('いいえ', 'False') }),
  },
  config: z.object({
    rules: z.array(RuleSchema).min(1).max(20).meta(field('条件', 'Rules')),
    combine: z.enum(['all', 'any']).default('all').describe('all = AND, any = OR').meta(field('組み合わせ', 'Combine', 'all: すべて満たす / any: いずれかを満たす')),
  }),
  async execute(ctx, { value }) {
    const results = ctx.config.rules.map((rule) => evaluateRule(rule, value));
    const passed = ctx.config.combine === 'all' ? results.every(Boolean) : results.some(Boolean);
    return passed ? { true: value } : { false: value };
  },
});
