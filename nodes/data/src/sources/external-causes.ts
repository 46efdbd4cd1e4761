import type { CodeEntry } from '@medflow/sdk';

/** ICD-10 4th character of external causes W00–Y34: the place of occurrence (WHO gives it once, as a modifier). */
const PLACES: Array<{ ja: string; en: string }> = [
  { ja: '家（庭）', en: 'home' },
  { ja: '居住施設', en: 'residential institution' },
  { ja: '学校，施設及び公共の地域', en: 'school, other institution and public administrative area' },
  { ja: 'スポーツ施設及び競技施設', en: 'sports and athletics area' },
  { ja: '街路及びハイウェイ', en: 'street and highway' },
  { ja: '商業及びサービス施設', en: 'trade and service area' },
  { ja: '工業用地域及び建築現場', en: 'industrial and construction area' },
  { ja: '農場', en: 'farm' },
  { ja: 'その他の明示された場所', en: 'other specified places' },
  { ja: '詳細不明の場所', en: 'unspecified place' },
];

export const isExternalCategory = (code: string) => /^(W\d\d|X\d\d|Y[0-2]\d|Y3[0-4])$/.test(code);

/** Marks an external-cause category and adds its ten place-of-occurrence codes to the table. */
export function addPlaceVariants(table: Map<string, CodeEntry>, entry: CodeEntry): void {
  entry.externalCause = true;
  PLACES.forEach((place, i) => {
    const code = `${entry.code}.${i}`;
    if (table.has(code)) return;
    table.set(code, {
      ...entry, code, parent: entry.code,
      title: { ja: `${entry.title.ja}，${place.ja}`, en: `${entry.title.en}, ${place.en}` },
    });
  });
}
