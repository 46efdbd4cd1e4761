/** Japanese eras since 明治 with their first day (the Gregorian calendar applies from 明治6年). */
export const ERAS = [
  { name: '令和', letter: 'R', start: '2019-05-01' },
  { name: '平成', letter: 'H', start: '1989-01-08' },
  { name: '昭和', letter: 'S', start: '1926-12-25' },
  { name: '大正', letter: 'T', start: '1912-07-30' },
  { name: '明治', letter: 'M', start: '1868-01-25' },
] as const;

export type Era = (typeof ERAS)[number];

export function eraByName(name: string): Era | undefined {
  return ERAS.find((e) => e.name === name || e.letter === name.toUpperCase());
}

/** The first day of the next era, or undefined for the current one. */
export function eraEnd(era: Era): string | undefined {
  const i = ERAS.indexOf(era);
  return i > 0 ? ERAS[i - 1]!.start : undefined;
}
