import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NotifiableDisease, NotifiableDiseaseService, NotifiableMention, NotificationFieldSpec, NotificationType } from '@medflow/sdk';
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
/** 五類全数 diseases whose form has 無症状病原体保有者 (the others notify patients and deaths only). */
const ASYMPTOMATIC_FIVE = new Set(['syphilis', 'aids']);

/**
 * The 類型 a disease allows, from the law's definitions and the electronic forms: 一〜四類 and 新型インフルエンザ等 also
 * notify asymptomatic carriers and deaths suspected of the disease; 疑似症 only where the law extends notification to them.
 */
function typesOf(id: string, category: number, suspected: boolean): NotificationType[] {
  const types: NotificationType[] = ['患者（確定例）'];
  if (category <= 4 || category === 6 || ASYMPTOMATIC_FIVE.has(id)) types.push('無症状病原体保有者');
  if (suspected) types.push('疑似症患者');
  types.push('感染症死亡者の死体');
  // The electronic EHEC form (三類) has 感染症死亡疑い者の死体 without 疑似症; 五類 forms have neither (急性脳炎: 01, 03 only).
  if (suspected || category <= 4 || category === 6) types.push('感染症死亡疑い者の死体');
  return types;
}

export class NotifiableTable implements NotifiableDiseaseService {
  private readonly list: NotifiableDisease[];
  private readonly organisms: Array<{ diseaseId: string; rule: 'sterile' | 'detected'; note: string }> = [];
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
      if (![1, 2, 3, 4, 5, 6, 7, 8].includes(cat)) fail(line, `category "${category}" must be 1 to 5 (一〜五類), 6 (新型インフルエンザ等), 7 (指定) or 8 (新感染症)`);
      if (deadline !== 'immediately' && deadline !== 'within7days') fail(line, `deadline "${deadline}" must be immediately or within7days`);
      for (const [field, value] of [['identity', identity], ['suspected', suspected]] as const) if (value !== 'yes' && value !== 'no') fail(line, `${field} must be yes or no`);
      // Ids stand in the matcher's code list here: it finds the expression, the id says which disease.
      for (const term of [name, name.replace(/（.*）$/, ''), ...synonyms.split('|')].filter(Boolean)) {
        terms.push({ term, kind: /^[\x21-\x7e]+$/.test(term) ? 'abbr' : 'ja', icd10: [id] });
      }
      return {
        id, name, category: cat as NotifiableDisease['category'], deadline: deadline as NotifiableDisease['deadline'],
        identityRequired: identity === 'yes', suspectedReportable: suspected === 'yes', icd10, ...(form ? { form } : {}),
        types: typesOf(id, cat, suspected === 'yes'), ...(/入院例に限る/.test(name) ? { admissionRequired: true } : {}),
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
    const orgFile = join(dir, 'organisms.tsv');
    const [orgHeader, ...orgRows] = rows(orgFile);
    if (orgHeader?.cells.join('\t') !== 'terms\tdisease\trule\tnote') throw new CodeTableError(`${orgFile}: the header must be terms, disease, rule, note`);
    for (const { line, cells: [synonyms = '', disease = '', rule = '', note = ''] } of orgRows) {
      if (!this.list.some((d) => d.id === disease)) throw new CodeTableError(`${orgFile} line ${line}: disease "${disease}" is not in diseases.tsv`);
      if (rule !== 'sterile' && rule !== 'detected') throw new CodeTableError(`${orgFile} line ${line}: rule "${rule}" must be sterile or detected`);
      const index = `org:${this.organisms.length}`;
      this.organisms.push({ diseaseId: disease, rule, note });
      for (const term of synonyms.split('|').filter(Boolean)) terms.push({ term, kind: /^[\x21-\x7e ]+$/.test(term) && !term.includes(' ') ? 'abbr' : 'ja', icd10: [index] });
    }
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
      if (key.startsWith('org:')) {
        const o = this.organisms[Number(key.slice(4))]!;
        return { start: m.start, end: m.end, text: m.text, diseaseId: o.diseaseId, organism: { rule: o.rule, note: o.note } };
      }
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
