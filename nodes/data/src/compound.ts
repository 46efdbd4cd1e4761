/**
 * Unseen wording: real notes write diagnoses no dictionary lists (「膀胱小細胞癌」「右肺巨大気腫」). The
 * matcher finds the known part; this finds the longer word it sits in and, where the word adds a site
 * to a known head, the dictionary expression for that site and head (「膀胱」+「癌」→ 膀胱癌).
 */

/** Modifiers that leave the diagnosis as it is: side, extent, severity, course (the code stays that of the term). */
const MODIFIER = /^(右|左|両側|両|片側|左右|上|下|前|後|内|外|軽度|中等度|高度|重度|重症|軽症|急性|慢性|亜急性|多発|多発性|再発|再発性|初発|陳旧性|早期|進行|原発性|続発性|びまん性|限局性|巨大|小|大|部|側|性|葉|区域|全体|一部|原発|局所|大量|少量|夜間|領域|型|時|周囲|付近|近傍)+$/;
const WORD_CHAR = /[\u4e00-\u9fff々\u30a1-\u30fa\u30fcA-Za-z0-9Ａ-Ｚａ-ｚ０-９]/;
/** After a term, only kanji and katakana continue the word; Latin letters there are a test (「麻疹IgM抗体陰性」). */
const SUFFIX_CHAR = /[\u4e00-\u9fff々\u30a1-\u30fa\u30fc]/;
/** Words that follow a diagnosis without being part of its name: tests, findings, the course of care. */
const NOT_PART_AFTER = /^(抗体|抗原|陰性|陽性|検査|所見|疑い|術後|治療|加療|既往|発症|精査|合併|再発|増悪|手術|患者|症例|例|疑|後|時|中|期|歴)/;
/** Words before a diagnosis that say when or where it was seen, not what it is: 「今回脳梗塞」「当院初診」. */
const LEADING_NOT_PART = /^(今回|現在|本日|昨日|前回|当院|他院|同日|翌日|以前|再度|初回|新規|経過|術前|以後|以来)/;
const LATIN_OR_DIGITS = /^[A-Za-z0-9Ａ-Ｚａ-ｚ０-９]+$/;

/**
 * Heads of diagnosis words, longest first: what the site in front of them attaches to. 「小細胞癌」 ends
 * in 「癌」, so 「膀胱」 + 「小細胞癌」 is tried as 「膀胱小細胞癌」, then 「膀胱癌」.
 */
export const HEADS = ['悪性腫瘍', '良性腫瘍', '腫瘍', '肉腫', '腺腫', '癌', '開放骨折', '骨折', '脱臼', '損傷', '挫傷', '血腫', '出血', '潰瘍',
  '狭窄', '閉塞', '梗塞', '嚢胞', '結石', '膿瘍', '壊死', '萎縮', '肥大', '欠損症', '奇形', '形成不全', '炎', '痛', '瘻', '腫大', '異物', '感染症'];

/** ICD-10 codes of a condition whose site is not said: neoplasm of unknown site, injury of unspecified body region, bleeding, pain. */
const SITE_UNSPECIFIED = /^(C80|C76|C97|D09\.9|D36\.9|D48\.9|D21\.9|D17\.9|T14|T08|R58|R52|R22|L98\.[489]|M79\.[16]|I99|K63\.[89]|R19\.0)/;

export interface Compound {
  /** The whole word around the mention, as written. */
  word: string;
  /** Unknown characters before and after the known part (modifiers and Latin/digit labels such as S6 left out). */
  prefix: string;
  suffix: string;
}

/**
 * The longer word a mention sits in when the dictionary does not know that word, or undefined when
 * the rest is only modifiers (「右肺癌」), labels or particles. The word ends where a neighbouring
 * mention begins: 「高血圧糖尿病」 is two known words, not one unknown.
 */
export function compoundAround(text: string, start: number, end: number, floor: number, ceiling: number): Compound | undefined {
  let s = start;
  while (s > floor && WORD_CHAR.test(text[s - 1]!) && start - s < 12) s--;
  for (let m = LEADING_NOT_PART.exec(text.slice(s, start)); m && s < start; m = LEADING_NOT_PART.exec(text.slice(s, start))) s += m[0].length;
  let e = end;
  while (e < ceiling && SUFFIX_CHAR.test(text[e]!) && e - end < 12 && !NOT_PART_AFTER.test(text.slice(e))) e++;
  const plain = (x: string) => !x || MODIFIER.test(x) || LATIN_OR_DIGITS.test(x);
  const prefix = text.slice(s, start);
  const suffix = text.slice(end, e);
  if (plain(prefix) && plain(suffix)) return undefined;
  return { word: text.slice(s, e), prefix: plain(prefix) ? '' : prefix, suffix: plain(suffix) ? '' : suffix };
}

/**
 * Spellings to look up for a site written before a known term, most specific first: the site with
 * the term, then shorter sites (from the right, then from the left) with the term and with its head.
 */
export function compositions(prefix: string, term: string, icd10: string): string[] {
  // Only a term that names no site takes one from the word before it: 「膀胱小細胞癌」 (小細胞癌 → C80) is
  // composed, 「右肺原発小細胞肺癌」 (小細胞肺癌 → C34) keeps its own code.
  if (!HEADS.includes(term) && !SITE_UNSPECIFIED.test(icd10)) return [];
  const head = HEADS.find((h) => term.endsWith(h) && h !== term);
  const sites: string[] = [];
  for (let k = prefix.length; k >= 1; k--) {
    sites.push(prefix.slice(prefix.length - k));
    if (k < prefix.length) sites.push(prefix.slice(0, k));
  }
  const out: string[] = [];
  for (const site of sites) {
    if (site.length < 1 || MODIFIER.test(site)) continue;
    out.push(site + term);
    if (head) out.push(site + head);
    // 「膵尾部」 is written 「膵尾」 in names: a trailing 部 drops out.
    if (site.length > 1 && site.endsWith('部')) { out.push(site.slice(0, -1) + term); if (head) out.push(site.slice(0, -1) + head); }
  }
  return [...new Set(out)].filter((s) => s.length >= 2);
}

/** Degree and extent words written inside a finding (「右内頸動脈軽度狭窄」「左総腸骨動脈完全閉塞」): dropped to find its name. */
const INNER_MODIFIER = /(軽度|中等度|高度|重度|完全|不完全|一部|わずかな|多発|びまん性|限局性|両側|右|左)/g;
const WORD_RUN = /[\u4e00-\u9fff々\u30a1-\u30fa\u30fc]{3,16}/g;

/**
 * Words the dictionary found nothing in that end in a diagnosis head: the spellings of their name to
 * look up, with side and degree taken out and the usual endings added (「右内頸動脈軽度狭窄」 → 内頸動脈狭窄症).
 */
export function unmatchedFindings(text: string, covered: ReadonlyArray<{ start: number; end: number }>): Array<{ start: number; end: number; word: string; spellings: string[] }> {
  const out: Array<{ start: number; end: number; word: string; spellings: string[] }> = [];
  // Words and mentions both come in text order: one pointer walks the mentions (a long note has thousands of each).
  let p = 0;
  for (const m of text.matchAll(WORD_RUN)) {
    const start = m.index!;
    const end = start + m[0].length;
    while (p < covered.length && covered[p]!.end <= start) p++;
    if (p < covered.length && covered[p]!.start < end) continue;
    if (!HEADS.some((h) => m[0].endsWith(h))) continue;
    const bare = m[0].replace(INNER_MODIFIER, '');
    if (bare.length < 3) continue;
    out.push({ start, end, word: m[0], spellings: [...new Set([bare, `${bare}症`, `${bare}症候群`])] });
  }
  return out;
}
