/**
 * Japanese normalisation for matching clinical words, keeping where every character came from so a
 * match can be shown as a span of the physician's own text.
 */

/** Normalised text with, for each of its characters, the original span it came from. */
export interface Normalized {
  text: string;
  starts: number[];
  ends: number[];
}

/**
 * Spelling variants written for the same word. The first form of each group is kept. Okurigana and
 * kana/kanji alternatives physicians use interchangeably; kana forms are written in hiragana here and
 * applied in both scripts.
 */
const VARIANTS: string[][] = [
  ['癌', 'がん'],
  ['頸', '頚'],
  ['鼠', '鼡'],
  ['胆嚢', '胆のう'],
  ['陰嚢', '陰のう'],
  ['麻疹', '麻しん'],
  ['風疹', '風しん'],
  ['痙攣', 'けいれん'],
  ['蕁麻疹', 'じんま疹', 'じんましん'],
  ['褥瘡', '褥そう'],
  ['骨粗鬆症', '骨粗しょう症'],
  ['喘息', 'ぜんそく', 'ぜん息'],
  ['梗塞', 'こう塞'],
  ['閉塞', 'へい塞'],
  ['捻挫', 'ねんざ'],
  ['咬', '噛'],
  ['誤嚥', '誤えん'],
  ['嚥下', 'えん下'],
  ['蜂窩織炎', '蜂か織炎'],
  ['ういるす', 'うぃるす'],
  ['つまず', 'つまづ'],
  ['踏み外', '踏外'],
  ['引き起', '引起'],
  ['詰まら', '詰ら'],
  ['首吊', '首つり', '首吊り'],
  ['症候群', '症侯群'],
  ['粘稠', '粘椆'],
  ['2型', 'ii型', '二型', 'Ⅱ型'],
  ['1型', '一型', 'Ⅰ型'],
];

const IGNORED = /[^\S\n\r]|[・･]/u;
const IGNORED_ALL = /[\s・･]/gu;

const toHiragana = (s: string) => s.replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
const toKatakana = (s: string) => s.replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));

/** Characters NFKC, case and kana folding leave as they are: CJK ideographs and hiragana. */
const isStable = (code: number) => (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3041 && code <= 0x3096);

/** Per character: NFKC (full/half width), lower-case ASCII, optionally katakana → hiragana. */
function foldChar(ch: string, lower: boolean, kana: boolean): string {
  let out = ch.normalize('NFKC');
  if (lower) out = out.toLowerCase();
  if (kana) out = toHiragana(out);
  return out;
}

export interface NormalizeOptions {
  /** Fold case (off for abbreviations: 「AS」 is not 「as」). */
  lower?: boolean;
  /**
   * Fold katakana to hiragana. On for search, where people type a reading in either script; off for
   * finding diagnoses in text, where the script tells words apart (「これら」 is not 「コレラ」).
   */
  kana?: boolean;
  /** Apply the spelling variants (がん → 癌, けいれん → 痙攣 …); on unless the text is matched as written. */
  variants?: boolean;
}

export function normalize(text: string, options: NormalizeOptions = {}): Normalized {
  const lower = options.lower ?? true;
  const kana = options.kana ?? false;
  const chars: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  for (const ch of text) {
    const start = i;
    i += ch.length;
    if (isStable(ch.charCodeAt(0))) { chars.push(ch); starts.push(start); ends.push(i); continue; }
    if (IGNORED.test(ch)) continue;
    const folded = foldChar(ch, lower, kana);
    // A half-width sound mark (ｶﾞ) folds to a combining mark: compose it with the character before.
    if (/^[\u3099\u309a]$/u.test(folded) && chars.length) {
      const last = chars.length - 1;
      chars[last] = (chars[last] + folded).normalize('NFC');
      ends[last] = i;
      continue;
    }
    // One offset per UTF-16 code unit, so offsets index the joined string even past astral characters.
    for (let k = 0; k < folded.length; k++) { starts.push(start); ends.push(i); }
    chars.push(folded);
  }
  const out: Normalized = { text: chars.join(''), starts, ends };
  return options.variants ?? true ? applyVariants(out) : out;
}

/**
 * Each variant in the script it is written in and, for kana, in the other script too, so that text
 * normalised without kana folding still meets 「ウィルス」 as 「ウイルス」 and 「じんましん」 as 「蕁麻疹」.
 */
const VARIANT_RULES = VARIANTS.flatMap(([keep, ...others]) => others.flatMap((from) => {
  const hira = toHiragana(from.normalize('NFKC').toLowerCase());
  const rules = [{ from: hira, to: keep! }];
  const kata = toKatakana(hira);
  if (kata !== hira) rules.push({ from: kata, to: toKatakana(keep!) });
  return rules;
})).sort((a, b) => b.from.length - a.from.length);
const VARIANT_RE = new RegExp(VARIANT_RULES.map((r) => r.from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
const VARIANT_TO = new Map(VARIANT_RULES.map((r) => [r.from, r.to]));

function applyVariants(n: Normalized): Normalized {
  VARIANT_RE.lastIndex = 0;
  if (!VARIANT_RE.test(n.text)) return n;
  VARIANT_RE.lastIndex = 0;
  const starts: number[] = [];
  const ends: number[] = [];
  let text = '';
  let last = 0;
  for (const m of n.text.matchAll(VARIANT_RE)) {
    const at = m.index!;
    text += n.text.slice(last, at);
    starts.push(...n.starts.slice(last, at));
    ends.push(...n.ends.slice(last, at));
    const to = VARIANT_TO.get(m[0])!;
    const spanStart = n.starts[at]!;
    const spanEnd = n.ends[at + m[0].length - 1]!;
    for (let k = 0; k < to.length; k++) { starts.push(spanStart); ends.push(spanEnd); }
    text += to;
    last = at + m[0].length;
  }
  text += n.text.slice(last);
  starts.push(...n.starts.slice(last));
  ends.push(...n.ends.slice(last));
  return { text, starts, ends };
}

/**
 * The normalised form alone, for dictionary keys: the same result as `normalize(text).text`, computed
 * on the whole string at once (a few hundred thousand keys load in well under a second).
 */
export function normalizeKey(text: string, options: NormalizeOptions = {}): string {
  let out = text.normalize('NFKC');
  if (options.lower ?? true) out = out.toLowerCase();
  out = out.replace(IGNORED_ALL, '');
  if (options.kana ?? false) out = toHiragana(out);
  if (!(options.variants ?? true)) return out;
  VARIANT_RE.lastIndex = 0;
  return out.replace(VARIANT_RE, (m) => VARIANT_TO.get(m)!);
}
