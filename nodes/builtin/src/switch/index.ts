import { defineNode, field, port, PortKinds, t, z, type Ports } from '@medflow/sdk';
import { evaluateRule, RuleSchema } from '../shared/rule.js';

const CaseSchema = z.object({
  port: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'port names use a-z, 0-9 and _').refine((p) => p !== 'otherwise', '"otherwise" is reserved').meta(field('出力名', 'Port name')),
  title: z.string().max(100).optional().meta(field('見出し', 'Title')),
  rule: RuleSchema.meta(field('条件', 'Rule')),
});

const config = z.object({
  cases: z.array(CaseSchema).min(1).max(16).refine((cases) => new Set(cases.map((c) => c.port)).size === cases.length, 'case ports must be unique').meta(field('経路', 'Cases')),
  mode: z.enum(['first', 'all']).default('first').describe('first: only the first matching case; all: every matching case').meta(field('振り分け方', 'Mode', 'first: 最初に当てはまった経路のみ / all: 当てはまった全経路')),
});

/** Routes its input to the case(s) whose rule matches, or to `otherwise`. One output port per case. */
export default defineNode({
  type: 'core/switch',
  version: 1,
  replaySafe: true,
  display: {
    title: t('振り分け', 'Switch'),
    category: 'logic',
    icon: '⇉',
    description: t('値に応じて複数の経路に振り分けます。どれにも当てはまらなければ「その他」へ', 'Routes the value to matching cases, or to "otherwise"'),
  },
  inputs: { value: port(PortKinds.any, { title: t('値', 'Value') }) },
  outputs: { otherwise: port(PortKinds.any, { title: t('その他', 'Otherwise') }) },
  dynamicOutputs: (cfg): Ports => ({
    ...Object.fromEntries(cfg.cases.map((c) => [c.port, port(PortKinds.any, c.title ? { title: t(c.title, c.title) } : {})])),
    otherwise: port(PortKinds.any, { title: t('その他', 'Otherwise') }),
  }),
  config,
  async execute(ctx, { value }) {
    const matched = ctx.config.cases.filter((c) => evaluateRule(c.rule, value));
    const chosen = ctx.config.mode === 'first' ? matched.slice(0, 1) : matched;
    if (chosen.length === 0) return { otherwise: value };
    return Object.fromEntries(chosen.map((c) => [c.port, value]));
  },
});
