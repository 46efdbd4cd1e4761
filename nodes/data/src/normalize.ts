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
 * kana/kanji alternatives physicians use interchangeably; applied after kana are folded to hiragana.
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
  ['2型', 'ii型', '二型', 'Ⅱ型'],
  ['1型', '一型', 'Ⅰ型'],
];

const IGNORED = /[\s・･\u3000]/u;

/** Per character: NFKC (full/half width), composed sound marks, lower-case ASCII, katakana → hiragana. */
function foldChar(ch: string, lower: boolean, kana: boolean): string {
  let out = ch.normalize('NFKC');
  if (lower) out = out.toLowerCase();
  if (kana) out = out.replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
  return out;
}

interface Options {
  /** Fold case (off for abbreviations: 「AS」 is not 「as」). */
  lower?: boolean;
  /** Fold katakana to hiragana and apply the spelling variants. */
  kana?: boolean;
}

export function normalize(text: string, options: Options = {}): Normalized {
  const lower = options.lower ?? true;
  const kana = options.kana ?? true;
  const chars: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  for (const ch of text) {
    const start = i;
    i += ch.length;
    if (IGNORED.test(ch)) continue;
    const folded = foldChar(ch, lower, kana);
    // A half-width sound mark (ｶﾞ) folds to a combining mark: compose it with the character before.
    if (/^[\u3099\u309a]$/u.test(folded) && chars.length) {
      const last = chars.length - 1;
      chars[last] = (chars[last] + folded).normalize('NFC');
      ends[last] = i;
      continue;
    }
    for (const c of folded) { chars.push(c); starts.push(start); ends.push(i); }
  }
  const out: Normalized = { text: chars.join(''), starts, ends };
  return kana ? applyVariants(out) : out;
}

const VARIANT_RULES = VARIANTS.flatMap(([keep, ...others]) => others.map((from) => ({
  from: normalize(from, { kana: false }).text.replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60)),
  to: keep!,
}))).sort((a, b) => b.from.length - a.from.length);
const VARIANT_RE = new RegExp(VARIANT_RULES.map((r) => r.from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
const VARIANT_TO = new Map(VARIANT_RULES.map((r) => [r.from, r.to]));

function applyVariants(n: Normalized): Normalized {
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
    for (const c of to) { text += c; starts.push(spanStart); ends.push(spanEnd); }
    last = at + m[0].length;
  }
  text += n.text.slice(last);
  starts.push(...n.starts.slice(last));
  ends.push(...n.ends.slice(last));
  return { text, starts, ends };
}

/** The normalised form alone, for keys of dictionaries. */
export const normalizeKey = (text: string, options?: Options) => normalize(text, options).text;
