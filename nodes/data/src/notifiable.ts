import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NotifiableDisease, NotifiableDiseaseService, NotifiableMention, NotificationFieldSpec } from '@medflow/sdk';
import { DictionaryMatcher } from './matcher.js';
import { CodeTableError } from './tsv.js';

export const BUNDLED_NOTIFIABLE_DIR = fileURLToPath(new URL('../notifiable/', import.meta.url));

const SOURCE = '厚生労働省「感染症法に基づく医師の届出のお願い」（全数把握の一類〜五類）を 2026-11 に転記。届出基準・様式の改正に合わせて nodes/data/notifiable を更新すること';

function rows(file: string): Array<{ line: number; cells: string[] }> {
  return readFileSync(file, 'utf8').split('\n').map((text, i) => ({ line: i + 1, cells: text.split('\t') }))
    .filter((r) => r.cells[0] && !r.cells[0].startsWith('#'));
}

/**
 * The notifiable-disease list (`diseases.tsv`), the 定点 diseases that are not notified one by one
 * (`not-notifiable.tsv`), and the form's field definitions (`fields.json`). A malformed row stops the
 * load with the file and line named.
 */
export class NotifiableTable implements NotifiableDiseaseService {
  private readonly list: NotifiableDisease[];
  private readonly matcher: DictionaryMatcher;
  private readonly notNotifiable: Array<{ name: string; note: string }>;
  private readonly fieldSets: ReturnType<NotifiableDiseaseService['fields']>;

  constructor(dir = BUNDLED_NOTIFIABLE_DIR) {
    const file = join(dir, 'diseases.tsv');
    const [header, ...body] = rows(file);
    const expected = ['id', 'name', 'category', 'deadline', 'identity', 'suspected', 'icd10', 'terms', 'form'];
    if (header?.cells.join('\t') !== expected.join('\t')) throw new CodeTableError(`${file}: the header must be ${expected.join(', ')}`);
    const fail = (line: number, message: string): never => { throw new CodeTableError(`${file} line ${line}: ${message}`); };
    const terms: Array<{ term: string; kind: 'ja' | 'abbr'; icd10: string[] }> = [];
    this.list = body.map(({ line, cells }) => {
      const [id = '', name = '', category = '', deadline = '', identity = '', suspected = '', icd10 = '', synonyms = '', form = ''] = cells;
      if (!/^[a-z0-9_]+$/.test(id)) fail(line, `id "${id}" must be lower-case letters, digits and _`);
      if (!name) fail(line, 'name is empty');
      const cat = Number(category);
      if (![1, 2, 3, 4, 5].includes(cat)) fail(line, `category "${category}" must be 1 to 5`);
      if (deadline !== 'immediately' && deadline !== 'within7days') fail(line, `deadline "${deadline}" must be immediately or within7days`);
      for (const [field, value] of [['identity', identity], ['suspected', suspected]] as const) if (value !== 'yes' && value !== 'no') fail(line, `${field} must be yes or no`);
      // Ids stand in the matcher's code list here: it finds the expression, the id says which disease.
      for (const term of [name, name.replace(/（.*）$/, ''), ...synonyms.split('|')].filter(Boolean)) {
        terms.push({ term, kind: /^[\x21-\x7e]+$/.test(term) ? 'abbr' : 'ja', icd10: [id] });
      }
      return {
        id, name, category: cat as NotifiableDisease['category'], deadline: deadline as NotifiableDisease['deadline'],
        identityRequired: identity === 'yes', suspectedReportable: suspected === 'yes', icd10, ...(form ? { form } : {}),
      };
    });
    if (new Set(this.list.map((d) => d.id)).size !== this.list.length) throw new CodeTableError(`${file}: disease ids must be unique`);
    const nnFile = join(dir, 'not-notifiable.tsv');
    const [, ...nnRows] = rows(nnFile);
    this.notNotifiable = nnRows.map(({ line, cells }, i) => {
      const [name = '', synonyms = '', note = ''] = cells;
      if (!name || !note) throw new CodeTableError(`${nnFile} line ${line}: name and note are required`);
      const index = `nn:${i}`;
      for (const term of [name, ...synonyms.split('|')].filter(Boolean)) terms.push({ term, kind: /^[\x21-\x7e]+$/.test(term) ? 'abbr' : 'ja', icd10: [index] });
      return { name, note };
    });
    this.matcher = new DictionaryMatcher(terms);
    this.fieldSets = JSON.parse(readFileSync(join(dir, 'fields.json'), 'utf8')) as NotifiableTable['fieldSets'];
    for (const d of this.list) if (d.form && !this.fieldSets.specific[d.form]) throw new CodeTableError(`${file}: ${d.id} names form "${d.form}", which fields.json does not define`);
  }

  diseases(): NotifiableDisease[] {
    return this.list;
  }

  find(text: string): NotifiableMention[] {
    return this.matcher.find(text).map((m) => {
      const key = m.icd10[0]!;
      if (key.startsWith('nn:')) return { start: m.start, end: m.end, text: m.text, notNotifiable: this.notNotifiable[Number(key.slice(3))]! };
      return { start: m.start, end: m.end, text: m.text, diseaseId: key };
    });
  }

  fields() {
    return this.fieldSets;
  }

  source(): string {
    return SOURCE;
  }
}

export function loadNotifiableTable(dir?: string): NotifiableTable {
  return new NotifiableTable(dir);
}

export type { NotificationFieldSpec };
