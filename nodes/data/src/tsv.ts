import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export class CodeTableError extends Error {}

function readTable(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch (e) { throw new CodeTableError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`); }
}

/** Reads a row's cells by column name; only valid inside the callback that received it. */
export interface TsvRow {
  line: number;
  get(column: string): string;
}

/**
 * Reads a tab-separated table with one header line (the shared code-table format), row by row
 * without keeping the rows. Columns are addressed by name, so a hospital's file with extra or
 * reordered columns still loads; a missing column or a short row stops the load with the file and
 * line named. Returns the number of data rows.
 */
export function eachTsvRow(dir: string, file: string, required: string[], visit: (row: TsvRow) => void): number {
  const path = join(dir, file);
  const text = readTable(path);
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const nextLine = () => {
    const end = text.indexOf('\n', pos);
    const line = text.slice(pos, end < 0 ? text.length : end);
    pos = end < 0 ? text.length + 1 : end + 1;
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  };
  const header = nextLine().split('\t');
  const index = new Map(header.map((name, i) => [name, i]));
  const missing = required.filter((c) => !index.has(c));
  if (missing.length) throw new CodeTableError(`${path}:1: header lacks column(s) ${missing.join(', ')} (has ${header.join(', ')})`);
  const width = Math.max(...required.map((c) => index.get(c)!)) + 1;
  let cells: string[] = [];
  const row: TsvRow = { line: 1, get: (column) => cells[index.get(column)!] ?? '' };
  let count = 0;
  while (pos <= text.length) {
    row.line++;
    const raw = nextLine();
    if (!raw) continue;
    cells = raw.split('\t');
    if (cells.length < width) throw new CodeTableError(`${path}:${row.line}: expected at least ${width} tab-separated columns, got ${cells.length}: "${raw.slice(0, 60)}"`);
    count++;
    visit(row);
  }
  return count;
}

/** The bundled subset's format: no header, `#` comment lines, columns by position. */
export function readCommentedTsv(dir: string, file: string, minColumns = 3): Array<{ line: number; cells: string[] }> {
  const text = readTable(join(dir, file));
  return text.split(/\r?\n/).map((line, i) => ({ line, i })).filter(({ line }) => line.trim() && !line.startsWith('#'))
    .map(({ line, i }) => {
      const cells = line.split('\t');
      if (cells.length < minColumns) throw new CodeTableError(`${file}:${i + 1}: expected tab-separated columns, got "${line.slice(0, 60)}"`);
      return { line: i + 1, cells: cells.map((c) => c.trim()) };
    });
}
