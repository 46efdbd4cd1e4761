/**
 * Finds a quoted passage in the source text and returns its offsets in the source. Models copy text
 * imperfectly (full-width digits, spacing), so after an exact search the comparison ignores width and
 * whitespace, mapping the match back to the original characters. Returns undefined when the passage is
 * not in the source: such a value has no evidence and is not reported as found.
 */
export function locateQuote(source: string, quote: string): { start: number; end: number; text: string } | undefined {
  const q = quote.trim();
  if (!q) return undefined;
  const exact = source.indexOf(q);
  if (exact >= 0) return { start: exact, end: exact + q.length, text: q };
  const { text: normSource, map } = normalizeWithMap(source);
  const normQuote = normalizeWithMap(q).text;
  if (!normQuote) return undefined;
  const at = normSource.indexOf(normQuote);
  if (at < 0) return undefined;
  const start = map[at]!;
  const end = map[at + normQuote.length - 1]! + 1;
  return { start, end, text: source.slice(start, end) };
}

/** NFKC, lower case, no whitespace; `map[i]` is the source index of normalised character i. */
function normalizeWithMap(text: string): { text: string; map: number[] } {
  let out = '';
  const map: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i)!;
    const ch = String.fromCodePoint(code);
    const width = ch.length;
    const norm = ch.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
    out += norm;
    for (let k = 0; k < norm.length; k++) map.push(i); // one entry per UTF-16 unit, like indexOf
    i += width - 1;
  }
  return { text: out, map };
}
