/**
 * How a diagnosis is asserted where it is written, as physicians write it: 「肺炎の疑い」 is suspected,
 * 「心不全は否定的」 ruled out, 「既往歴：胃癌」 history, 「父：DM」 family history. Only `confirmed`
 * diagnoses are coded; the others are flagged so the reviewer sees them and nothing is silently lost.
 * 「結核との鑑別」 is a differential: named to be excluded, neither diagnosed nor suspected enough to notify.
 */
export type Assertion = 'confirmed' | 'suspected' | 'differential' | 'ruled_out' | 'history' | 'family_history';

interface Span { start: number; end: number }

/** A header stands alone or is followed by its separator: 「既往歴：」「【既往歴】」, not the prose 「既往に高血圧があり…」. */
const SECTION_HISTORY = /^\s*[#＃【\[]?\s*(既往歴|既往症|既往|PMH|past (medical )?history)\s*([:：】\]\s]|$)/i;
const SECTION_FAMILY = /^\s*[#＃【\[]?\s*(家族歴|FH|family history)\s*([:：】\]\s]|$)/i;
const SECTION_OTHER = /^\s*[#＃【\[]?\s*(主訴|現病歴|現症|身体所見|検査|所見|診断|入院時診断|退院時診断|病名|アセスメント|評価|計画|方針|経過|A\/P|Assessment|Plan|CC|HPI|S[)）:：]|O[)）:：]|A[)）:：]|P[)）:：]|#\s*\d)/i;

const CLAUSE_END = /[。．\n；;!?！？]/;
/** Between items of a list, so a cue after the list applies to every item: 「DM・HT・脂質異常症なし」. */
const LIST_SEPARATORS = /^[\s・、,，/／+＋&及びとや]+/;

const SUSPECTED_AFTER = /^(の|も|と)?(疑い|疑|うたがい|疑われ|疑う|を疑|の可能性|可能性|が考えられ|を考え|も考え|否定できず|否定できない|除外できず|\?|？|\(\?\)|（\?）|（？）|か[?？]|かも|でしょうか|susp)/i;
const RULED_OUT_AFTER = /^(は|も|や|の所見は|の所見も|を示唆する所見は|を疑う所見は|を思わせる所見は|(の)?(貯留|腫大|増大|拡大|肥厚|出現|増悪)?(の)?(徴候|兆候|症状|所見|所見等|等の異常所見|等の所見|等|など|の合併|の再発|の既往)?(は|も)?|(の)?(ウイルス|菌)?(igm|igg|iga)?(抗体|抗原|pcr|遺伝子|培養|迅速検査|迅速|検査|定性)(検査)?(は|も|で|が)?)?(否定|除外|なし|無し|ない|なく|認めず|認めない|認めなかった|認められず|認められない|認められなかった|認めません|見られず|見られない|みられず|みられない|指摘できず|指摘できない|指摘できません|指摘されず|はありません|ありません|ではない|ではなく|ではなかった|ではありません|を否定|陰性|\(-\)|（-）|（−）|（－）|-(?!\d)|−|－|negative|ruled out)/i;
/** 「…とは診断し得なかった」「…とは言えない」「…と断定できる程ではありません」: named and set aside. */
const NOT_DIAGNOSED_AFTER = /^(と?は|と)?(診断し得な|診断でき(な|ず)|診断に至ら|言えな|いえな|断定でき|確定でき|考えにく|考え難)/;
const DIFFERENTIAL_AFTER = /^(と|や|との|などとの|等との|も)?(の)?(鑑別|を鑑別|除外診断|r\/o|rule out)/i;
const DIFFERENTIAL_BEFORE = /(鑑別診断[:：は]?|鑑別として|鑑別に|鑑別疾患[:：は]?|ddx[:：]?|d\/d[:：]?)\s*[^。\n]{0,40}$/i;
const HISTORY_AFTER = /^(の)?[（(]?(既往|既往歴|術後|治療後|治療済|治療歴|加療歴|歴あり|の歴|後(?![期遺方の]))/;
const SUSPECTED_BEFORE = /(r\/o|R\/O|s\/o|S\/O|susp\.?|疑い病名[:：]?|suspected|possible|probable)\s*$/;
const RULED_OUT_BEFORE = /(no|not|without|denies|否定された|除外された)\s*$/i;
/** A history cue, then at most a list of other diagnoses before this one (「既往に高血圧、糖尿病」), never a new event. */
const HISTORY_BEFORE = /(既知の|既往歴?に|既往歴?として|既往歴?[:：は]|既往症[:：は]?|h\/o|history of|以前に|過去に)([^。\n]{0,30})$/i;
/** 「20歳時に」「3年前に」 right before the diagnosis (not a date such as 「2026年11月10日、」). */
const HISTORY_AGE_BEFORE = /\d+\s*(歳|年前|才)(時|で)?に?\s*$|(?<!\d)\d{1,2}\s*年(時|で)?に\s*$/i;
const NEW_EVENT = /(今回|現在|このたび|今般|入院|受診|発症|にて|診断され|認め|を|が|で)/;
/** Vaccination history names the disease it prevents: 「麻疹風疹混合ワクチン接種済み」「BCG接種歴」. */
const VACCINATION_AFTER = /^[^。\n]{0,12}(ワクチン|予防接種|接種歴|接種済|接種後|接種した|を接種)/;
const FAMILY_BEFORE = /(父|母|兄|姉|弟|妹|祖父|祖母|叔父|叔母|伯父|伯母|息子|娘|家族|同胞)(は|が|に|の|も|:|：|\s)/;

/** Which section of the note an offset is in, by the nearest header line above it. */
function sectionAt(text: string, offset: number): 'history' | 'family' | 'other' {
  let lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  // A header written inside running text (「既往歴：胃癌。今回肺炎で入院」) reaches to the end of its sentence, not the line.
  const sameLine = text.slice(lineStart, offset);
  if ((SECTION_HISTORY.test(sameLine) || SECTION_FAMILY.test(sameLine)) && /[。．]/.test(sameLine)) return 'other';
  while (lineStart >= 0) {
    const lineEnd = text.indexOf('\n', lineStart);
    const line = text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
    if (SECTION_FAMILY.test(line)) return 'family';
    if (SECTION_HISTORY.test(line)) return 'history';
    if (SECTION_OTHER.test(line)) return 'other';
    if (lineStart === 0) return 'other';
    // A blank line ends a section.
    if (!text.slice(text.lastIndexOf('\n', lineStart - 2) + 1, lineStart - 1).trim()) return 'other';
    lineStart = text.lastIndexOf('\n', lineStart - 2) + 1;
  }
  return 'other';
}

/** The clause around a mention, bounded by sentence ends and line breaks. */
function clauseAround(text: string, span: Span): { before: string; after: string } {
  let start = span.start;
  while (start > 0 && !CLAUSE_END.test(text[start - 1]!)) start--;
  let end = span.end;
  while (end < text.length && !CLAUSE_END.test(text[end]!)) end++;
  // The question mark that ends 「TBか？」 is the cue itself.
  if (text[end] === '?' || text[end] === '？') end++;
  return { before: text.slice(start, span.start), after: text.slice(span.end, end) };
}

/**
 * @param others every mention in the text, so the words of other diagnoses in a list are stepped over
 * when looking for the cue that ends the list.
 */
export function assertionOf(text: string, span: Span, others: Span[]): Assertion {
  const section = sectionAt(text, span.start);
  const { before, after } = clauseAround(text, span);
  // The words after this mention with the other diagnoses of the same list taken out.
  let rest = after;
  const limit = span.end + after.length;
  for (const o of others.filter((o) => o.start >= span.end && o.start < limit).sort((a, b) => b.start - a.start)) {
    const rel = o.start - span.end;
    if (rel < after.length) rest = rest.slice(0, rel) + rest.slice(Math.min(after.length, o.end - span.end));
  }
  const cue = rest.replace(LIST_SEPARATORS, '');

  if (section === 'family' || FAMILY_BEFORE.test(before)) return 'family_history';
  if (VACCINATION_AFTER.test(after)) return 'history';
  if (RULED_OUT_AFTER.test(cue) || RULED_OUT_BEFORE.test(before) || NOT_DIAGNOSED_AFTER.test(cue)) return 'ruled_out';
  if (DIFFERENTIAL_AFTER.test(cue) || DIFFERENTIAL_BEFORE.test(before)) return 'differential';
  if (SUSPECTED_AFTER.test(cue) || SUSPECTED_BEFORE.test(before)) return 'suspected';
  const history = HISTORY_BEFORE.exec(before);
  if (section === 'history' || HISTORY_AFTER.test(cue) || HISTORY_AGE_BEFORE.test(before) || (history && !NEW_EVENT.test(history[2] ?? ''))) return 'history';
  return 'confirmed';
}
