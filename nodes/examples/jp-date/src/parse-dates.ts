import { eraByName, eraEnd } from './eras.js';

export interface FoundDate {
  /** The text as written. */
  source: string;
  start: number;
  end: number;
  /** YYYY-MM-DD, or null when the date does not exist (平成31年5月1日, 2月30日). */
  iso: string | null;
  calendar: 'japanese' | 'western';
  era?: string;
  problem?: string;
}

const DIGITS = /[０-９Ａ-Ｚａ-ｚ]/g;
const toHalfWidth = (s: string) => s.replace(DIGITS, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));

// 令和6年4月1日, 令和元年5月1日, R6.4.1, H31/4/30, Ｓ６４．１．７
const JAPANESE = /(令和|平成|昭和|大正|明治|(?<![A-Za-zＡ-Ｚａ-ｚ])[RHSTMrhstmＲＨＳＴＭ](?=\s*[0-9０-９元]))\s*(元|[0-9０-９]{1,2})\s*(?:年|[.．/／-])\s*([0-9０-９]{1,2})\s*(?:月|[.．/／-])\s*([0-9０-９]{1,2})\s*日?/gu;
// 2024年4月1日, 2024/4/1, 2024-04-01
const WESTERN = /(?<![0-9０-９])((?:19|20)[0-9]{2}|[１２][０-９]{3})\s*(?:年|[.．/／-])\s*([0-9０-９]{1,2})\s*(?:月|[.．/／-])\s*([0-9０-９]{1,2})\s*日?(?![0-9０-９])/gu;

function isoOf(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Every date written in Japanese or western notation, in text order. */
export function findDates(text: string): FoundDate[] {
  const found: FoundDate[] = [];
  for (const m of text.matchAll(JAPANESE)) {
    const era = eraByName(toHalfWidth(m[1]!))!;
    const yearInEra = m[2] === '元' ? 1 : Number(toHalfWidth(m[2]!));
    const year = Number(era.start.slice(0, 4)) + yearInEra - 1;
    let iso = isoOf(year, Number(toHalfWidth(m[3]!)), Number(toHalfWidth(m[4]!)));
    let problem: string | undefined;
    if (!iso) problem = 'この日付は存在しません';
    else if (iso < era.start || (eraEnd(era) && iso >= eraEnd(era)!)) {
      problem = `${era.name}${yearInEra}年${Number(toHalfWidth(m[3]!))}月${Number(toHalfWidth(m[4]!))}日は${era.name}の期間外です`;
      iso = null;
    }
    found.push({ source: m[0], start: m.index!, end: m.index! + m[0].length, iso, calendar: 'japanese', era: era.name, ...(problem ? { problem } : {}) });
  }
  for (const m of text.matchAll(WESTERN)) {
    const start = m.index!;
    if (found.some((f) => start < f.end && f.start < start + m[0].length)) continue;
    const iso = isoOf(Number(toHalfWidth(m[1]!)), Number(toHalfWidth(m[2]!)), Number(toHalfWidth(m[3]!)));
    found.push({ source: m[0], start, end: start + m[0].length, iso, calendar: 'western', ...(iso ? {} : { problem: 'この日付は存在しません' }) });
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The text with each valid date written as `format` gives it; invalid dates stay as written. */
export function rewriteDates(text: string, dates: FoundDate[], format: (iso: string) => string): string {
  let out = '';
  let at = 0;
  for (const d of dates) {
    out += text.slice(at, d.start) + (d.iso ? format(d.iso) : d.source);
    at = d.end;
  }
  return out + text.slice(at);
}
