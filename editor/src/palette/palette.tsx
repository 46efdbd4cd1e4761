import { useMemo, useState } from 'react';
import type { NodeTypeDescription } from '@medflow/sdk';
import { useI18n } from '../i18n/i18n';

export const DRAG_TYPE = 'application/x-medflow-node';
const CATEGORY_ORDER = ['input', 'text', 'ai', 'medical', 'logic', 'review', 'output', 'utility', 'custom'];
const CATEGORY_TITLE: Record<string, [string, string]> = {
  input: ['入力', 'Input'], text: ['テキスト', 'Text'], ai: ['AI', 'AI'], medical: ['医療', 'Medical'], logic: ['分岐・合流', 'Logic'],
  review: ['確認', 'Review'], output: ['出力', 'Output'], utility: ['ユーティリティ', 'Utility'], custom: ['カスタム', 'Custom'],
};

/** Node types by category, searchable in Japanese and English; drag onto the canvas or press Enter to add. */
export function Palette({ catalogue, onAdd }: { catalogue: NodeTypeDescription[]; onAdd: (type: string, version: number) => void }) {
  const { t, pick, lang } = useI18n();
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const q = query.trim().normalize('NFKC').toLowerCase();
    const matches = catalogue.filter((c) => c.latest && (!q || [c.type, c.display.title.ja, c.display.title.en, c.display.description.ja, c.display.description.en]
      .some((s) => s.normalize('NFKC').toLowerCase().includes(q))));
    return CATEGORY_ORDER.map((cat) => [cat, matches.filter((m) => m.display.category === cat)] as const).filter(([, items]) => items.length);
  }, [catalogue, query]);
  return (
    <aside className="palette" aria-label={t('palette')}>
      <h2>{t('palette')}</h2>
      <input type="search" placeholder={t('searchNodes')} aria-label={t('searchNodes')} value={query} onChange={(e) => setQuery(e.target.value)} />
      <p className="muted small">{t('dragHint')}</p>
      {groups.map(([cat, items]) => (
        <section key={cat}>
          <h3>{CATEGORY_TITLE[cat]?.[lang === 'ja' ? 0 : 1] ?? cat}</h3>
          <ul role="list">
            {items.map((item) => (
              <li key={item.type}>
                <button type="button" className="palette-item" draggable data-testid={`palette-${item.type}`}
                  title={pick(item.display.description)}
                  onDragStart={(e) => { e.dataTransfer.setData(DRAG_TYPE, `${item.type}@${item.version}`); e.dataTransfer.effectAllowed = 'copy'; }}
                  onClick={() => onAdd(item.type, item.version)}>
                  <span aria-hidden="true">{item.display.icon}</span> {pick(item.display.title)}
                  {item.origin && <span className="badge" title={`${item.origin.package}@${item.origin.version} (${t('sandboxed')})`}>{t('thirdParty')}</span>}
                  <span className="muted small block">{pick(item.display.description)}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </aside>
  );
}
