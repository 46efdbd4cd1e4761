import { describe, expect, it } from 'vitest';
import { runNode } from '../testing/run-node.js';
import disease from '../notifiable-disease/index.js';
import form from './index.js';
import type { NotificationDocument } from './document.js';

const found = (value: unknown, text: string) => ({ value, status: 'found', evidence: { start: 0, end: text.length, text }, required: true });

async function build(note: string, approved: Record<string, unknown>, draft: Record<string, unknown>, reportDate = '2026-11-05') {
  const files = new Map<string, Uint8Array>();
  const { notification } = await runNode(disease, {}, { text: note }) as { notification: unknown };
  const out = await runNode(form, { doctorName: '山田 太郎', hospitalName: 'みなと総合病院', reportDate }, { approved, notification, draft }, {}, files) as { document: NotificationDocument; html: { fileId: string; mediaType: string } };
  return { document: out.document, html: new TextDecoder().decode(files.get(out.html.fileId)!), ref: out.html };
}

describe('medical/notification-form', () => {
  it('marks AI-drafted values the physician approved, and the ones the physician wrote', async () => {
    const { document, html, ref } = await build(
      '腸管出血性大腸菌O157を検出し、腸管出血性大腸菌感染症と診断。',
      { reportType: '患者（確定例）', sex: '男', ageAtDiagnosis: 34, diagnosisDate: '2026-11-05', patientName: '佐藤 一郎', ehecSerotype: 'O157:H7', ehecHus: false },
      { sex: found('男', '男性'), ageAtDiagnosis: found(34, '34歳'), diagnosisDate: found('2026-11-05', '11月5日'), ehecSerotype: found('O157', 'O157') },
    );
    expect(ref.mediaType).toBe('text/html');
    expect(document.title).toBe('腸管出血性大腸菌感染症発生届');
    expect(document.deadline).toEqual({ kind: 'immediately', label: '直ちに', dueDate: '2026-11-05' });
    const source = Object.fromEntries(document.rows.map((r) => [r.key, r.source]));
    expect(source).toMatchObject({ sex: 'ai-confirmed', ageAtDiagnosis: 'ai-confirmed', ehecSerotype: 'physician', patientName: 'physician', address: 'blank', ehecHus: 'physician' });
    expect(document.aiFilled).toEqual(['sex', 'ageAtDiagnosis', 'diagnosisDate']);
    expect(document.values).toMatchObject({ sex: '男', ehecSerotype: 'O157:H7', address: null });
    // The official layout: addressee, legal basis, reporter, numbered items.
    expect(html).toContain('都道府県知事（保健所設置市長・特別区長）殿');
    expect(html).toContain('法律第12条第1項');
    expect(html).toContain('みなと総合病院');
    expect(html.match(/AI下書き・医師確認<\/span>/g)).toHaveLength(3);
    expect(html).toContain('<span class="no">2</span>当該者氏名');
    expect(html).toContain('font-family: "Noto Serif CJK JP"');
    // Row classes never collide with the page's own classes (a blank row once became an inline block).
    expect(html).toContain('<tr class="src-blank">');
    expect(html).not.toMatch(/<tr class="(blank|physician|ai-confirmed)"/);
  });

  it('leaves the patient\'s name and address off where the law does not ask for them, and counts 7 days', async () => {
    const { document, html } = await build('第2期梅毒と診断。', { sex: '女', diagnosisDate: '2026-11-02', patientName: '鈴木 花子', address: '東京都港区' }, {});
    expect(document.identityRequired).toBe(false);
    expect(document.rows.some((r) => r.key === 'patientName' || r.key === 'address')).toBe(false);
    expect(document.omitted).toEqual(['patientName', 'address']);
    expect(html).not.toContain('鈴木');
    expect(document.deadline.dueDate).toBe('2026-11-09');
    // Nothing came from a model here: no AI note on the page; on time: no warning.
    expect(html).not.toContain('AI下書き');
    expect(html).not.toContain('を過ぎています');
  });

  it('warns on the printed form when the deadline has passed', async () => {
    const late = await build('第2期梅毒と診断。', { sex: '女', diagnosisDate: '2026-11-02' }, {}, '2026-11-12');
    expect(late.html).toContain('届出期限（2026-11-09）を過ぎています');
    const onTime = await build('第2期梅毒と診断。', { sex: '女', diagnosisDate: '2026-11-02' }, {}, '2026-11-09');
    expect(onTime.html).not.toContain('を過ぎています');
  });

  it('escapes what it prints', async () => {
    const { html } = await build('麻しんと診断。', { symptoms: '<script>alert(1)</script>発熱' }, {});
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;発熱');
  });
});
