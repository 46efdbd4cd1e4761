/**
 * ICD-10 place of occurrence (4th character of W00–Y34) from the words around an external cause.
 * Institutions are tested before the home: 「施設の居室で転倒」 is a residential institution.
 */
const PLACES: Array<[number, RegExp]> = [
  [1, /(老人ホーム|介護施設|特養|老健|グループホーム|入所中の施設|入所施設|施設内|施設の|施設で|サービス付き高齢者向け住宅|サ高住)/],
  [6, /(工場|工事現場|建設現場|作業現場|建築現場|倉庫)/],
  [7, /(畑|田んぼ|水田|農場|牧場|農作業)/],
  [3, /(体育館|グラウンド|競技場|スキー場|プール|ジム|運動場)/],
  [2, /(学校|校内|病院内|院内|役所|公民館|駅構内)/],
  [5, /(店内|店舗|スーパー|コンビニ|商業施設|飲食店|ホテル|旅館)/],
  [4, /(路上|道路|交差点|歩道|横断歩道|国道|県道|高速道路|車道)/],
  [0, /(自宅|自室|居間|台所|浴室|風呂場|寝室|実家|家の中|屋内の階段|自宅の)/],
  [8, /(河川|川で|海で|海岸|山中|山林|公園|駐車場)/],
];

export function placeOfOccurrence(words: string): number {
  for (const [code, re] of PLACES) if (re.test(words)) return code;
  return 9;
}
