import { ENGLISH_GIVEN, GIVEN_NAMES, NOT_NAME_ENDINGS, NOT_NAMES, PREFECTURES, SURNAMES } from './lexicon.js';

export const PHI_TYPES = ['name', 'birthdate', 'date', 'age', 'address', 'postal', 'phone', 'mynumber', 'insurance', 'patient_id', 'facility', 'email'] as const;
export type PhiType = (typeof PHI_TYPES)[number];

export interface PhiSpan { start: number; end: number; type: PhiType }

// Written for text as physicians type it: full-width and half-width digits, hyphens and the long-vowel
// mark used as a hyphen (０３ー１２３４ー５６７８), ideographic spaces.
const D = '[0-9０-９]';
const HY = '[-‐－ー−―]';
/** Date separators: slashes, dots and every hyphen. */
const DS = '[/／.．\\-‐－ー−―]';
const SP = '[ \\u3000]';
const NOT_DIGIT_BEFORE = '(?<![0-9０-９])';
const NOT_DIGIT_AFTER = '(?![0-9０-９])';
const KANJI = '一-龥々〆ヶ';
const NAME = `[${KANJI}ァ-ヶー]{1,6}(?:${SP}[${KANJI}ァ-ヶーぁ-ん]{1,5})?`;
const EN_NAME = '[A-Z][a-z]+(?:[ \\-][A-Z][a-z]+){0,2}';

const digits = (s: string) => s.normalize('NFKC').replace(/\D/g, '');
const alt = (words: string[]) => words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).sort((a, b) => b.length - a.length).join('|');

/** My Number check digit (個人番号の検査用数字, 総務省令): weights 2–7 then 2–6 from the right. */
export function validMyNumber(twelve: string): boolean {
  if (!/^\d{12}$/.test(twelve)) return false;
  const body = twelve.slice(0, 11).split('').reverse().map(Number);
  const sum = body.reduce((acc, p, i) => acc + p * (i + 1 <= 6 ? i + 2 : i - 4), 0);
  const r = sum % 11;
  return Number(twelve[11]) === (r <= 1 ? 0 : 11 - r);
}

type Detector = (text: string, push: (start: number, end: number, type: PhiType) => void) => void;

/** Runs `re` and reports capture group `group` (or the whole match) as `type` when `accept` agrees. */
function each(re: RegExp, type: PhiType, group = 0, accept: (m: RegExpExecArray, text: string) => boolean = () => true): Detector {
  return (text, push) => {
    for (const m of text.matchAll(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`)) as IterableIterator<RegExpExecArray>) {
      if (!accept(m, text) || m[group] === undefined) continue;
      const start = m.index + (group ? m[0].indexOf(m[group]!, 0) : 0);
      push(start, start + m[group]!.length, type);
    }
  };
}

const near = (text: string, at: number, re: RegExp, width = 12) => re.test(text.slice(Math.max(0, at - width), at));

const PHONE = new RegExp(`${NOT_DIGIT_BEFORE}(?:[+＋][8８][1１]${HY}?${SP}?${D}{1,4}|[(（]?[0０]${D}{1,4}[)）]?)${HY}?${SP}?[(（]?${D}{1,4}[)）]?${HY}?${SP}?${D}{3,4}${NOT_DIGIT_AFTER}`);
const PHONE_LABEL = /(TEL|Tel|tel|電話|携帯|連絡先|FAX|Fax|ＴＥＬ|☎)[^\n]{0,6}$/;

const DATE_PATTERNS = [
  new RegExp(`${NOT_DIGIT_BEFORE}${D}{4}${SP}?(?:${DS}|年)${SP}?${D}{1,2}${SP}?(?:${DS}|月)${SP}?${D}{1,2}日?${NOT_DIGIT_AFTER}`),
  new RegExp(`(?:明治|大正|昭和|平成|令和|(?<![A-Za-zＡ-Ｚａ-ｚ])[MTSHRmtshrＭＴＳＨＲ])${SP}?(?:${D}{1,2}|元)${SP}?(?:${DS}|年)${SP}?${D}{1,2}${SP}?(?:${DS}|月)${SP}?${D}{1,2}日?${NOT_DIGIT_AFTER}`),
  new RegExp(`(?:(?:明治|大正|昭和|平成|令和)${SP}?(?:${D}{1,2}|元)|${NOT_DIGIT_BEFORE}${D}{4})年${SP}?${D}{1,2}月(?!${SP}?${D})`),
  new RegExp(`${NOT_DIGIT_BEFORE}${D}{1,2}月${SP}?${D}{1,2}日`),
  // 5/12 入院: month/day without a year, only where a date is plainly meant (not 120/80 mmHg).
  new RegExp(`(?<![0-9０-９/／.])(?:1[0-2]|0?[1-9]|１[０-２]|０?[１-９])[/／](?:[12][0-9]|3[01]|0?[1-9]|[１２][０-９]|３[０１]|０?[１-９])(?![0-9０-９/／.])(?=${SP}?(?:に|より|から|入院|受診|退院|発症|来院|死亡|手術|頃|〜|~|、|の|$))`),
];
const BIRTH_BEFORE = /(生年月日|誕生日|DOB|D\.O\.B|生)[\s:：]*$/;
const BIRTH_AFTER = /^(生まれ|生|出生)/;

const PREF = alt(PREFECTURES);
const ADDRESS_END = `(?=$|[\\s、。，,（(）)]|在住|に住|TEL|電話|☎)`;
const BLOCK = `(?:${D}+丁目${HY}?)?${D}+(?:番地?|${HY})(?:${D}+(?:号|${HY}${D}+)?)?`;

const HONORIFIC = '(?:様|さま|さん|氏|殿|君|くん|ちゃん|先生|医師)';
const LEADING_ROLE = /^(本日|昨日|今朝|同日|翌日|当院|担当医|主治医|紹介医|前医|患者|家族|長男|長女|次男|次女|夫|妻|父|母|兄|姉|弟|妹|祖父|祖母|院長|部長|医師|看護師|ケアマネ|ケアマネージャー|担当)/;
const NAME_LABEL = '(?:氏名|患者名|患者氏名|名前|お名前|フリガナ|ふりがな|主治医|担当医|記載医|記載者|医師名|紹介医|申請者|届出者|報告医師|キーパーソン|KP|Name|Patient)';
const SURNAME = alt(SURNAMES);
const SURNAME_RE = new RegExp(`^(?:${SURNAME})`);
const GIVEN = alt(GIVEN_NAMES);
const FACILITY_WORDS = '(?:大学病院|総合病院|医療センター|病院|歯科医院|医院|クリニック|診療所|保健所|訪問看護ステーション|訪問看護|介護老人保健施設|特別養護老人ホーム|有料老人ホーム|老人ホーム|グループホーム|デイサービス|デイケア|ショートステイ|ケアセンター|居宅介護支援事業所|調剤薬局|薬局|接骨院|整骨院)';
/** What follows 「Dr」 in nursing prose: an act, not a name. */
const PROSE_AFTER_TITLE = /^(指示|報告|相談|診察|回診|確認|判断|許可|対応|説明|処方|依頼|連絡|来棟|不在|到着|コール|診|往診|面談|承認|了承)/;
/** Hiragana words that take さん・様 and name no one. */
const HIRAGANA_NOT_NAMES = /^(かみ|おかみ|たく|みな|みんな|おばあ|おじい|おかあ|おとう|おにい|おねえ|おく|おばちゃ|おじちゃ|あか|おきゃく|おきゃくさ|かんじゃ|ごかぞく|かぞく|ごほんにん|ほんにん|だんな|およめ|おむこ|おまご|まご|となり|おとなり|おいしゃ|いしゃ|かんごし|せんせい|おつかれ|ありがと|ごくろう|そちら|こちら|あちら|どちら|みなさ|ねえ|にい)$/;
const GENERIC_FACILITY = /^(当|同|前|近|他|貴|専門|総合|大|小|救急|地域|かかりつけ|紹介先|転院先|紹介元|某|〇〇|○○|市中|一般|関連|基幹|中核|療養型|精神科|県内|市内|近隣|高次|メンタル|心療内科|調剤|保険|院外|院内|歯科|眼科|皮膚科|整形外科|内科|外科|小児科|産婦人科|耳鼻科|耳鼻咽喉科|精神|動物)$|[のなにでへをも]$/;
/** Hiragana prose that ends right before 病院 (「このまま病院で」「すぐに病院へ」). */
const HIRAGANA_PROSE = /(まま|すぐ|いつも|ずっと|また|もう|まず|あとで|たら|ので|から|まで|けど|ても)$/;

/**
 * Whether 様・殿・さん… after a word is an honorific rather than part of another word: 「水様便」「すりガラス様陰影」
 * 「満月様顔貌」 (様 = "-like", a noun follows), 「左殿部」 (殿 = buttock), 「同様に」, 「聞くんです」「ちゃんと」 (verb and
 * adverb endings). 「〜様の」 is ambiguous (「田中様の」「スピクラ様の毛羽立ち」): there the word must look like a surname.
 */
function honorificInUse(text: string, start: number, word: string, honorific: string, end: number): boolean {
  const next = text[end] ?? '';
  // A noun continues the word: 様便, 様陰影, 殿部, 殿筋 (宅・家・方 follow honorifics: 「山田さん宅」).
  if (/[\u4e00-\u9fff々\u30a1-\u30fa]/.test(next) && !/[宅家方]/.test(next)) return false;
  if (/^(くん|ちゃん|さん)$/.test(honorific) && /^[だでじす]/.test(next)) return false;
  if (honorific === 'ちゃん' && next === 'と') return false;
  const single = word.trim().length === 1;
  // 「ラウンド時入眠様」: a likeness attached to a long word, cut at the name's length limit.
  if (honorific === '様' && /[\u4e00-\u9fff々\u30a1-\u30fa\u30fc]/.test(text[start - 1] ?? '')) return false;
  // One kanji before an honorific is a name only when it is a surname (林様, 森先生): 「35回/分 医師に」 is not.
  if (single && !SURNAME_RE.test(word.trim())) return false;
  if (honorific === '様' || honorific === '殿') {
    // 「〜様な」「〜様に」「〜様で」: a likeness; 「〜様の」: only after a known surname.
    if (/^[なにで](?!す)/.test(text.slice(end, end + 2))) return false;
    if (next === 'の' && !SURNAME_RE.test(word)) return false;
  }
  return !NOT_NAME_ENDINGS.test(word.trim());
}

/** A name match, trimmed of roles written before it (担当医山田 → 山田) and checked against common nouns. */
function pushName(text: string, start: number, end: number, push: (s: number, e: number, t: PhiType) => void) {
  let s = start;
  const lead = LEADING_ROLE.exec(text.slice(s, end));
  if (lead && end - s > lead[0].length) s += lead[0].length;
  const value = text.slice(s, end).trim();
  if (!value || NOT_NAMES.test(value)) return;
  push(s, s + text.slice(s, end).trimEnd().length, 'name');
}

export const DETECTORS: Detector[] = [
  each(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/, 'email'),
  // My Number: 12 digits with a valid check digit, or any 12 digits where the note says it is one.
  each(new RegExp(`${NOT_DIGIT_BEFORE}${D}{4}${SP}?${HY}?${D}{4}${SP}?${HY}?${D}{4}${NOT_DIGIT_AFTER}`), 'mynumber', 0,
    (m, text) => validMyNumber(digits(m[0])) || near(text, m.index, /(マイナンバー|個人番号|My ?Number)/i, 16)),
  each(PHONE, 'phone', 0, (m, text) => {
    const n = digits(m[0]);
    const international = /^[+＋]/.test(m[0]);
    if (international ? n.length < 11 || n.length > 12 : n.length < 10 || n.length > 11) return false;
    // Ten or eleven bare digits are a phone number only as a mobile (0X0) or where the note says so.
    return /[-‐－ー−―()（）]/.test(m[0]) || /^0[5789]0/.test(n) || near(text, m.index, PHONE_LABEL);
  }),
  each(new RegExp(`〒${SP}?${D}{3}${HY}?${D}{4}${NOT_DIGIT_AFTER}|${NOT_DIGIT_BEFORE}(?<!${HY})${D}{3}${HY}${D}{4}${NOT_DIGIT_AFTER}(?!${HY})`), 'postal'),
  each(new RegExp(`(?:保険者番号|保険者No\\.?|公費負担者番号|公費受給者番号|受給者番号|被保険者番号)${SP}?[:：は]?${SP}?(${D}{6,8})${NOT_DIGIT_AFTER}`), 'insurance', 1),
  (text, push) => {
    const re = new RegExp(`記号${SP}?[:：]?${SP}?([^\\s\\n、。,，・:：]{1,12}?)${SP}?[・,，、]?${SP}?番号${SP}?[:：]?${SP}?([0-9０-９${HY.slice(1, -1)}]{1,12})(?:${SP}?[（(]?枝番${SP}?[:：]?${SP}?(${D}{1,2}))?`, 'g');
    for (const m of text.matchAll(re)) {
      let from = m.index + 2;
      for (const g of [m[1], m[2], m[3]]) {
        if (!g) continue;
        const at = text.indexOf(g, from);
        push(at, at + g.length, 'insurance');
        from = at + g.length;
      }
    }
  },
  each(new RegExp(`(?:患者ID|患者番号|カルテ番号|カルテNo\\.?|カルテ|診察券番号|診察券No\\.?|病歴番号|ID|ＩＤ|MRN)${SP}?[:：は#＃]?${SP}?([A-Za-zＡ-Ｚａ-ｚ]{0,3}${HY}?[0-9０-９][0-9０-９${HY.slice(1, -1)}]{3,14})`), 'patient_id', 1),
  (text, push) => {
    for (const re of DATE_PATTERNS) {
      for (const m of text.matchAll(new RegExp(re.source, 'g'))) {
        const birth = near(text, m.index, BIRTH_BEFORE, 8) || BIRTH_AFTER.test(text.slice(m.index + m[0].length));
        push(m.index, m.index + m[0].length, birth ? 'birthdate' : 'date');
      }
    }
  },
  // Ages over 89 (identifying in a small population); younger ages are left as written.
  each(new RegExp(`${NOT_DIGIT_BEFORE}(?:満${SP}?)?(${D}{2,3})${SP}?(?:歳|才|yo\\b|y\\/o|years? old)`), 'age', 0, (m) => Number(digits(m[1]!)) >= 90),
  each(new RegExp(`${NOT_DIGIT_BEFORE}(?:9[0-9]|９[０-９]|1[0-9]{2}|１[０-９]{2})代`), 'age'),
  // Addresses: prefecture onwards, a municipality with a block number, or whatever follows 住所：.
  each(new RegExp(`(?:${PREF})[^\\s\\n、。，,（(]{0,40}?[市区町村郡][^\\s\\n、。，,（(]{0,40}?${ADDRESS_END}`), 'address'),
  each(new RegExp(`[${KANJI}ァ-ヶー]{1,6}[市区郡][${KANJI}ァ-ヶーぁ-ん]{0,12}${BLOCK}`), 'address'),
  each(new RegExp(`(?:住所|現住所|居所|Address)${SP}?[:：は]?${SP}?(?:〒?${SP}?${D}{3}${HY}?${D}{4}${SP}*)?([^\\n]{3,60}?)(?=\\n|$|。|${SP}{2}|TEL|電話|☎)`), 'address', 1),
  // The building and room after a street address (「本郷3丁目5-12 ハイツ本郷203」「コーポ山田 2号室」): a room number is required.
  each(new RegExp(`[${KANJI}ァ-ヶーA-Za-zＡ-Ｚａ-ｚ]{0,12}(?:マンション|ハイツ|アパート|コーポ|レジデンス|メゾン|ヴィラ|ハウス|コート|パレス|タワー|ビル|荘|団地)[${KANJI}]{0,6}${SP}?(?:(?:${D}{1,3}${HY})?${D}{2,4}(?:号室|号)?|${D}{1,4}号室)${NOT_DIGIT_AFTER}`), 'address'),
  // Names: before an honorific, after a label, a common surname with a given name, English titles.
  (text, push) => {
    for (const m of text.matchAll(new RegExp(`(${NAME})${SP}?(${HONORIFIC})`, 'g'))) {
      if (honorificInUse(text, m.index, m[1]!, m[2]!, m.index + m[0].length)) pushName(text, m.index, m.index + m[1]!.length, push);
    }
    // Patient header lines: 「ID：123456　釘宮　幸子　74歳」 — the words after the ID are the name.
    for (const m of text.matchAll(new RegExp(`(?:患者ID|ID|ＩＤ|カルテ番号)${SP}?[:：]?${SP}?[A-Za-zＡ-Ｚ]{0,3}${HY}?[0-9０-９]{4,12}${SP}+([${KANJI}]{1,6}(?:${SP}[${KANJI}ぁ-んァ-ヶ]{1,5})?)(?=${SP}|$|\\n)`, 'g'))) {
      const at = m.index + m[0].lastIndexOf(m[1]!);
      pushName(text, at, at + m[1]!.length, push);
    }
    // 「主治医：山田」「主治医 山田」 name someone; 「主治医報告し」「主治医指示にて」 are prose: a separator is required.
    for (const m of text.matchAll(new RegExp(`${NAME_LABEL}(?:${SP}?[:：]${SP}?|${SP}+|は${SP}?)(${NAME}|${EN_NAME})`, 'g'))) {
      const at = m.index + m[0].lastIndexOf(m[1]!);
      pushName(text, at, at + m[1]!.length, push);
    }
    for (const m of text.matchAll(new RegExp(`(?:${SURNAME})(?:${SP}(?:[${KANJI}]{1,3}|[ァ-ヶー]{2,5}|[ぁ-ん]{2,4})(?![${KANJI}])|(?:${GIVEN}))`, 'g'))) {
      pushName(text, m.index, m.index + m[0].length, push);
    }
    for (const m of text.matchAll(new RegExp(`\\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\\.?\\s+(${EN_NAME})|\\b(?:${alt(ENGLISH_GIVEN)})\\s+[A-Z][a-z]+`, 'g'))) {
      const name = m[1] ?? m[0];
      const at = m.index + m[0].lastIndexOf(name);
      push(at, at + name.length, 'name');
    }
  },
  (text, push) => {
    // Given names written in hiragana before an honorific (「はなこさん」), standing on their own.
    for (const m of text.matchAll(new RegExp(`(?<![ぁ-ん${KANJI}ァ-ヶー])([ぁ-ん]{2,4})${SP}?(さん|様|さま|ちゃん|くん)`, 'g'))) {
      if (!HIRAGANA_NOT_NAMES.test(m[1]!) && honorificInUse(text, m.index, m[1]!, m[2]!, m.index + m[0].length)) push(m.index, m.index + m[1]!.length, 'name');
    }
    // 「Dr. 佐藤」「Dr.山田」: a Latin title before a Japanese name.
    // Nurses write 「Dr指示」「Drコール」「Dr.相談」: only a known surname, or a name followed by how one addresses a doctor, counts.
    for (const m of text.matchAll(new RegExp(`\\b(?:Dr|Mr|Mrs|Ms|Prof)\\.?${SP}?([${KANJI}]{1,4})`, 'g'))) {
      const after = text.slice(m.index + m[0].length);
      const addressed = /^(?:${SP}?(?:先生|医師)|より|から|へ|に(?!て)|の|、|。|$)/.test(after);
      if (!SURNAME_RE.test(m[1]!) && (!addressed || PROSE_AFTER_TITLE.test(m[1]!))) continue;
      const at = m.index + m[0].lastIndexOf(m[1]!);
      pushName(text, at, at + m[1]!.length, push);
    }
    // 「妻 花子（68）」「長男：太郎さん」: a relative's given name after the relation.
    for (const m of text.matchAll(new RegExp(`(?:妻|夫|長男|長女|次男|次女|三男|三女|母|父|娘|息子|兄|姉|弟|妹|祖父|祖母|孫|キーパーソン)${SP}?[:：は]?${SP}?([${KANJI}]{1,3}|[ぁ-ん]{2,4}|[ァ-ヶー]{2,5})(?=${SP}?(?:さん|様|[（(]${D}))`, 'g'))) {
      const at = m.index + m[0].lastIndexOf(m[1]!);
      pushName(text, at, at + m[1]!.length, push);
    }
    // 「訪問看護ステーションひまわり」: the station's own name after the words.
    for (const m of text.matchAll(new RegExp(`(?:訪問看護ステーション|看護ステーション|ステーション)${SP}?([ぁ-んァ-ヶー]{2,8})(?=[とにでへがはをの、。，,）)\\s]|$)`, 'g'))) {
      const at = m.index + m[0].lastIndexOf(m[1]!);
      push(m.index, at + m[1]!.length, 'facility');
    }
    // 「症例は鈴木一郎、65歳男性」: a name in a case report's opening.
    for (const m of text.matchAll(new RegExp(`症例は${SP}?([${KANJI}ァ-ヶー]{2,6})(?=${SP}?(?:さん|氏|[、,（(]))`, 'g'))) {
      if (/[歳才男女性代]/.test(m[1]!)) continue;
      const at = m.index + m[0].lastIndexOf(m[1]!);
      pushName(text, at, at + m[1]!.length, push);
    }
  },
  // 「S23年生まれ」「昭和23年生」: a birth year written by era.
  each(new RegExp(`(?:明治|大正|昭和|平成|令和|(?<![A-Za-zＡ-Ｚａ-ｚ])[MTSHRＭＴＳＨＲ])${SP}?(?:${D}{1,2}|元)年${SP}?(?=生まれ|生(?![活理命体物])|出生)`), 'birthdate'),
  // 「ICU 7番ベッド」「302号室 B床」: where the patient lies.
  each(new RegExp(`(?:(?:ICU|ＩＣＵ|HCU|ＨＣＵ|CCU|ＣＣＵ|NICU|ＮＩＣＵ|SCU|ＳＣＵ)${SP}?)?${D}{1,3}${SP}?番?${SP}?(?:ベッド|床)(?![上下])`), 'facility'),
  // 「記号・番号：88-595・5415」: symbol and number of an insurance card written together.
  (text, push) => {
    for (const m of text.matchAll(new RegExp(`記号${SP}?[・･/／]${SP}?番号${SP}?[:：]?${SP}?([0-9０-９${HY.slice(1, -1)}]{1,12})${SP}?[・･/／]${SP}?([0-9０-９${HY.slice(1, -1)}]{1,12})`, 'g'))) {
      const at = m.index + m[0].indexOf(m[1]!, m[0].indexOf('番号'));
      push(at, at + m[1]!.length, 'insurance');
      const at2 = m.index + m[0].lastIndexOf(m[2]!);
      push(at2, at2 + m[2]!.length, 'insurance');
    }
  },
  (text, push) => {
    for (const m of text.matchAll(new RegExp(`([${KANJI}ァ-ヶーA-Za-zＡ-Ｚａ-ｚぁ-ん]{1,15}?)${FACILITY_WORDS}`, 'g'))) {
      // Trim hiragana particles before the name: 「近くのさくら病院」 keeps 「さくら病院」 only if it stands alone.
      let prefix = m[1]!;
      let start = m.index;
      // The name starts after the prose before it: the last hiragana that is followed by other script ends the prose
      // (「決心してＢ病院」 → Ｂ病院); a prefix of prose ending in hiragana names nothing (「気が付いたら病院」「自宅と病院」).
      const cut = prefix.search(/[ぁ-ん](?=[^ぁ-ん]+$)/);
      if (cut >= 0) { start += cut + 1; prefix = prefix.slice(cut + 1); }
      if (/[ぁ-ん]$/.test(prefix) && /[^ぁ-ん]/.test(prefix)) continue;
      // A name all in hiragana (「さくら病院」) stands on its own, not after more hiragana (「このまま病院」「は病院」).
      if (/^[ぁ-ん]+$/.test(prefix) && (prefix.length < 3 || /[ぁ-ん]/.test(text[start - 1] ?? '') || HIRAGANA_PROSE.test(prefix))) continue;
      if (!prefix || GENERIC_FACILITY.test(prefix)) continue;
      push(start, m.index + m[0].length, 'facility');
    }
  },
  each(new RegExp(`(?<![A-Za-zＡ-Ｚａ-ｚ])(?:${D}{1,2}階${SP}?)?(?:東|西|南|北|中央)?(?:${D}{1,2}|[A-ZＡ-Ｚ])?(?:東|西|南|北)?病棟`), 'facility', 0, (m) => !/^(?:東|西|南|北|中央)?病棟$/.test(m[0])),
  each(new RegExp(`${NOT_DIGIT_BEFORE}${D}{3,4}号室`), 'facility'),
];

/** Overlapping finds become one span covering both, so no character of either stays readable; it takes the type of its longest part. */
function merge(found: PhiSpan[]): PhiSpan[] {
  found.sort((a, b) => a.start - b.start || (b.end - b.start) - (a.end - a.start));
  const out: Array<PhiSpan & { longest: number }> = [];
  for (const s of found) {
    const last = out[out.length - 1];
    if (!last || s.start >= last.end) { out.push({ ...s, longest: s.end - s.start }); continue; }
    if (s.end - s.start > last.longest) { last.type = s.type; last.longest = s.end - s.start; }
    last.end = Math.max(last.end, s.end);
  }
  return out.map(({ longest: _, ...s }) => s);
}

function detectOnce(text: string, types: ReadonlySet<PhiType>): PhiSpan[] {
  const found: PhiSpan[] = [];
  for (const detect of DETECTORS) detect(text, (start, end, type) => { if (end > start && types.has(type)) found.push({ start, end, type }); });
  return found;
}

/** Characters a line must have before its break is taken for a wrap (PDF/OCR lines run to the page width). */
const WRAP_MIN_LINE = 16;
const CJK = '[\\u3041-\\u30ff\\u4e00-\\u9fff々]';
/** A line wrap inside words (PDF/OCR text: 「山田\\n太郎様」) and letter-spaced words (「山 田 太 郎」). */
const WRAP = new RegExp(`(?<=${CJK})[ \\u3000]*\\r?\\n[ \\u3000]*(?=${CJK})|(?<=(?:^|[^\\u3041-\\u30ff\\u4e00-\\u9fff々])${CJK}(?:[ \\u3000]${CJK})*)[ \\u3000](?=${CJK}(?:[ \\u3000]|$|[^\\u3041-\\u30ff\\u4e00-\\u9fff々]))`, 'g');

/**
 * The text with wraps and letter spacing inside words closed up, and where each of its characters came from. A line
 * break counts as a wrap only after a long line: a short line (「主治医：山田」) ends where the writer ended it.
 */
function closeUp(text: string): { text: string; at: number[] } | undefined {
  const at: number[] = [];
  let out = '';
  let last = 0;
  let changed = false;
  for (const m of text.matchAll(WRAP)) {
    if (m[0].includes('\n') && m.index - (text.lastIndexOf('\n', m.index - 1) + 1) < WRAP_MIN_LINE) continue;
    for (let i = last; i < m.index; i++) at.push(i);
    out += text.slice(last, m.index);
    last = m.index + m[0].length;
    changed = true;
  }
  if (!changed) return undefined;
  for (let i = last; i < text.length; i++) at.push(i);
  return { text: out + text.slice(last), at };
}

/**
 * Every identifier in the text. Text that came from a PDF or OCR breaks lines and spaces letters inside names,
 * so detection also runs on the text with those closed up, and its finds are mapped back onto the original.
 */
export function detectPhi(text: string, types: ReadonlySet<PhiType>): PhiSpan[] {
  const found = detectOnce(text, types);
  const closed = closeUp(text);
  if (closed) {
    for (const s of detectOnce(closed.text, types)) found.push({ start: closed.at[s.start]!, end: closed.at[s.end - 1]! + 1, type: s.type });
  }
  return merge(found);
}
