import { describe, expect, it } from 'vitest';
import { runNode } from '../testing/run-node.js';
import node, { type NotificationTarget } from './index.js';

const judge = async (text: string) => (await runNode(node, {}, { text })) as { notification?: NotificationTarget; fields?: Array<{ name: string }>; notFound?: { notNotified: Array<{ reason: string }> } };

describe('medical/notifiable-disease', () => {
  it('EHEC: 三類, 直ちに, names the patient, disease-specific fields', async () => {
    const out = await judge('便培養で腸管出血性大腸菌O157（VT2陽性）を検出。腸管出血性大腸菌感染症と診断した。');
    expect(out.notification).toMatchObject({
      disease: { id: 'ehec', category: 3, categoryLabel: '三類感染症' }, suggestedType: '患者（確定例）',
      deadline: { kind: 'immediately', label: '直ちに', days: 0 }, identity: { required: true },
    });
    expect(out.fields!.map((f) => f.name)).toEqual(expect.arrayContaining(['patientName', 'address', 'ehecSerotype', 'ehecToxin', 'ehecHus']));
  });

  it('syphilis and pneumococcus: 五類, 7日以内, no name or address', async () => {
    for (const [text, id] of [['第2期梅毒と診断（RPR 64倍、TPLA陽性）', 'syphilis'], ['血液培養から肺炎球菌を検出、侵襲性肺炎球菌感染症', 'ipd']] as const) {
      const out = await judge(text);
      expect(out.notification).toMatchObject({ disease: { id, category: 5 }, deadline: { label: '7日以内', days: 7 }, identity: { required: false, fields: [] } });
      expect(out.fields!.some((f) => f.name === 'patientName')).toBe(false);
    }
  });

  it('measles is 五類 but immediate and names the patient', async () => {
    const out = await judge('麻疹IgM陽性、麻しん（検査診断例）。');
    expect(out.notification).toMatchObject({ disease: { id: 'measles', category: 5 }, deadline: { label: '直ちに' }, identity: { required: true } });
  });

  it('疑い: notified as 疑似症 only for 一類・二類; otherwise nothing yet', async () => {
    expect((await judge('肺結核の疑いで喀痰検査提出。')).notification).toMatchObject({ disease: { id: 'tuberculosis', category: 2 }, suggestedType: '疑似症患者' });
    const legionella = await judge('レジオネラ症の疑い、尿中抗原は結果待ち。');
    expect(legionella.notification).toBeUndefined();
    expect(legionella.notFound!.notNotified[0]!.reason).toContain('疑似症の届出対象ではありません');
  });

  it('ruled out, history and 定点 diseases are not notified, and say why', async () => {
    const out = await judge('COVID-19抗原陽性。結核は否定的。\n既往歴：梅毒（治療済み）。');
    expect(out.notification).toBeUndefined();
    expect(out.notFound!.notNotified.map((n) => n.reason)).toEqual([
      expect.stringContaining('五類定点'), expect.stringContaining('否定'), expect.stringContaining('既往'),
    ]);
  });

  it('several diseases: the first confirmed leads, the others are listed', async () => {
    const out = await judge('梅毒と診断。HIV感染症も判明した。');
    expect(out.notification!.disease.id).toBe('syphilis');
    expect(out.notification!.alsoMentioned.map((d) => d.id)).toEqual(['aids']);
  });
});
