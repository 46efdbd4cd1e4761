import { defineNode, field, port, PortKinds, t, z } from '@medflow/sdk';
import { findDates, rewriteDates } from './parse-dates.js';

const FORMATS = {
  iso: (iso: string) => iso,
  'ja-western': (iso: string) => `${Number(iso.slice(0, 4))}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`,
} as const;

/**
 * Normalises the dates in a clinical text: 令和6年4月1日, R6.4.1, H31/4/30, 2024/4/1 → 2024-04-01.
 * Dates that do not exist (平成31年5月1日, 2月30日) are left as written and listed with the reason, so a
 * physician sees them instead of a silently wrong date.
 */
const jpDate = defineNode({
  type: 'example/jp-date',
  version: 1,
  display: {
    title: t('日付の正規化（和暦→西暦）', 'Normalise dates (Japanese era → ISO)'),
    category: 'text',
    description: t('和暦・西暦の日付表記を YYYY-MM-DD にそろえ、存在しない日付を知らせます', 'Rewrites Japanese-era and western dates as YYYY-MM-DD and flags dates that do not exist'),
    icon: '📅',
  },
  inputs: { text: port(PortKinds.text, { title: t('テキスト', 'Text') }) },
  outputs: {
    text: port(PortKinds.text, { title: t('正規化したテキスト', 'Normalised text') }),
    dates: port(PortKinds.json, { title: t('見つかった日付', 'Dates found') }),
  },
  config: z.object({
    format: z.enum(['iso', 'ja-western']).default('iso').describe('書き換え後の形式: iso = 2024-04-01, ja-western = 2024年4月1日')
      .meta(field('書き換え後の形式', 'Output format', 'iso = 2024-04-01、ja-western = 2024年4月1日')),
  }),
  async execute(ctx, { text }) {
    const dates = findDates(text);
    const invalid = dates.filter((d) => d.problem);
    if (invalid.length) ctx.log.warn('dates that do not exist were left as written', { count: invalid.length });
    return { text: rewriteDates(text, dates, FORMATS[ctx.config.format]), dates: { dates, invalid: invalid.length } };
  },
});

export default [jpDate];
