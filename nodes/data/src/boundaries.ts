/**
 * Where a dictionary match in clinical text is not the diagnosis it spells. Each rule looks at the
 * physician's own characters around the match, so it holds whatever normalisation made the match.
 */

const fold = (c: string | undefined) => (c ?? '').normalize('NFKC');
const isLatin = (c: string | undefined) => /^[A-Za-z0-9]$/.test(fold(c));
const isKatakana = (c: string | undefined) => /^[\u30a1-\u30fa\u30fc]$/.test(fold(c));
const isHiragana = (c: string | undefined) => /^[\u3041-\u3096]$/.test(fold(c));
const isKanji = (c: string | undefined) => /^[\u4e00-\u9fff々]$/.test(fold(c));

/** Hiragana that may stand next to a noun: particles and the starts of copulas (「がんの」「がんと」「がんです」). */
const PARTICLE = /^[のはがをにでともやへかなだすよねあ]$/;

/** Prefixes that turn the disease word into another thing: 「非結核性」「抗結核薬」「脱髄」 are not 結核. */
const NEGATING_PREFIX = /[非抗]$/;

/** Words after a disease name that make it something other than the patient's diagnosis. */
const NOT_A_DIAGNOSIS_AFTER = /^(薬|剤|球菌|検診|健診|検査|予防|ワクチン|対策|内科|外科|外来|センター|専門医|学会|教室|手帳|患者会|ガイドライン|診療ガイドライン)/;

/** An abbreviation next to a value or a test word is a laboratory item: 「TB 2.1」「AFP 1798」「RAテスト」. */
const LAB_AFTER = /^\s*([:：=＝]\s*)?([-+±]?\s*[0-9０-９.．]|(値|テスト|試験|検査|定量|定性|高値|低値|上昇|低下|増加|減少|正常|基準|mg|ng|pg|U\/L|IU|μ|％|%|\(|（)\s*)/i;
/** Tumour-response and lab-list context: 「効果判定はPD」「CR/PR/SD/PD」. */
const RESPONSE_NEAR = /(判定|効果|RECIST|奏効|[CP]R\s*[\/／・、,]|SD\s*[\/／・、,])/;

function katakanaRunBefore(text: string, at: number): number {
  let n = 0;
  while (at - n > 0 && isKatakana(text[at - n - 1])) n++;
  return n;
}

/**
 * @param abbreviation the term is a case-sensitive abbreviation (stricter context rules apply).
 * @returns true when the match at [start, end) of `text` must not count.
 */
export function rejectsMatch(text: string, start: number, end: number, abbreviation: boolean): boolean {
  const first = text[start];
  const last = text[end - 1];
  const before = text[start - 1];
  const after = text[end];
  // Latin letters and digits must stand as whole words: 「DM」 but not 「DMAT」, 「MI」 but not 「MIC」.
  if (isLatin(first) && isLatin(before)) return true;
  if (isLatin(last) && isLatin(after)) return true;
  // Katakana words end where katakana ends: 「インフルエンザ」 is not inside 「パラインフルエンザ」. A whole
  // katakana word in front (「アスピリンアレルギー」「カシューナッツアレルギー」) is a compound, not a prefix.
  if (isKatakana(first) && isKatakana(before) && katakanaRunBefore(text, start) < 4) return true;
  if (isKatakana(last) && isKatakana(after)) return true;
  // Hiragana spellings (がん, じんましん) inside a hiragana word are not the disease: 「がんばる」.
  if (isHiragana(first) && isHiragana(before) && !PARTICLE.test(fold(before))) return true;
  if (isHiragana(last) && isHiragana(after) && !PARTICLE.test(fold(after))) return true;
  if (isKanji(first) && before && NEGATING_PREFIX.test(before)) return true;
  // A term that starts with a suffix (「性心不全」「胞性奇形腫」 in 万病辞書) is the tail of the word before it.
  if (/^[性的状様型胞]$/.test(fold(first)) && (isKanji(before) || isKatakana(before))) return true;
  if (NOT_A_DIAGNOSIS_AFTER.test(text.slice(end, end + 12))) return true;
  if (!abbreviation) return false;
  const rest = text.slice(end, end + 16);
  if (LAB_AFTER.test(rest)) return true;
  // An abbreviation written as the short form of the words beside it (「サイトカイン放出症候群（CRS）」,
  // 「CRS（サイトカイン放出症候群）」) stands for those words, which are matched on their own.
  if (/^[（(]/.test(fold(before)) && /^[）)]/.test(fold(after))) return true;
  const around = text.slice(Math.max(0, start - 12), start) + ' ' + rest;
  return RESPONSE_NEAR.test(around);
}
