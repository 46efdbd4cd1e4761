import { SuspendSignal, type AnyNodeDefinition } from '@medflow/sdk';
import { describe, expect, it } from 'vitest';
import { incoming, runNode } from '../testing/run-node.js';
import review from './index.js';

const def = review as unknown as AnyNodeDefinition;
const note = '11/20より発熱。胸部X線で右下肺野に浸潤影。';
/** The extraction node's "fields with evidence" output. */
const extracted = {
  symptom: { value: '発熱', status: 'found', evidence: { start: 7, end: 9, text: '発熱' }, label: '症状', required: true },
  onset: { value: null, status: 'not_found', evidence: null, required: false },
  diagnosis: { value: null, status: 'unsupported', evidence: null, rejected: '結核', required: true },
};

async function suspended(config: unknown, inputs: Record<string, unknown>) {
  try { await runNode(def, config, inputs); } catch (e) { if (e instanceof SuspendSignal) return e.request; throw e; }
  throw new Error('did not suspend');
}

describe('core/review', () => {
  it('suspends with the draft as fields carrying evidence, status and the withheld claim, and the sources recognised', async () => {
    const request = await suspended({ deadlineHours: 1 }, {
      draft: extracted,
      sources: [incoming('note', note, 'text'), incoming('scan', { aiDraft: true, source: 'f'.repeat(64), pages: [{ page: 1, lines: [] }] }, 'pages'), incoming('rec', { segments: [{ start: 0, end: 2, text: '発熱' }], durationSeconds: 2 }, 'segments'), incoming('audio', { fileId: 'a'.repeat(64), name: 'dictation.wav', mediaType: 'audio/wav' }, 'file')],
    });
    expect(request.reason).toBe('review');
    expect(Date.parse(request.deadline!) - Date.now()).toBeGreaterThan(3_500_000);
    const p = request.payload as { fields: Array<Record<string, unknown>>; sources: Array<{ kind: string }>; reviewers: unknown };
    expect(p.fields.map((f) => [f.key, f.label, f.status, f.required])).toEqual([['symptom', '症状', 'found', true], ['onset', 'onset', 'not_found', false], ['diagnosis', 'diagnosis', 'unsupported', true]]);
    expect(p.fields[0]!.evidence).toEqual({ start: 7, end: 9, text: '発熱' });
    expect(note.slice(7, 9)).toBe('発熱');
    expect(p.fields[2]!.rejected).toBe('結核');
    expect(p.sources.map((s) => s.kind)).toEqual(['text', 'ocr', 'transcript', 'file']);
    expect(p.reviewers).toEqual({ roles: ['reviewer'], users: [] });
  });

  it('chooses and labels fields by config, and reviews plain text as one field', async () => {
    const chosen = await suspended({ fields: [{ key: 'diagnosis', label: '診断名', type: 'select', options: ['肺炎', '結核'] }] }, { draft: extracted });
    expect((chosen.payload as { fields: unknown[] }).fields).toEqual([expect.objectContaining({ key: 'diagnosis', label: '診断名', type: 'select', options: ['肺炎', '結核'] })]);
    const text = await suspended({}, { draft: '紹介状の下書き…' });
    expect((text.payload as { fields: unknown[] }).fields).toEqual([expect.objectContaining({ key: 'value', value: '紹介状の下書き…', status: 'given', evidence: null })]);
  });

  it('continues on the port of the decision, and fails when the deadline passed', async () => {
    const base = { reviewId: 'r1', decidedAt: '2026-11-24T10:00:00Z', reviewer: { id: 'u', username: 'dr', displayName: 'Dr' } };
    const resume = (data: object) => ({ data: { ...base, ...data }, at: base.decidedAt, request: { reason: 'review' } });
    const approved = await runNode(def, {}, { draft: extracted }, {}, undefined, resume({ decision: 'approved', values: { symptom: '発熱' }, edits: [] }));
    expect(Object.keys(approved)).toEqual(['approved', 'decision']);
    const returned = await runNode(def, {}, { draft: extracted }, {}, undefined, resume({ decision: 'returned', comment: '発病日を追記', values: {} }));
    expect(returned.returned).toMatchObject({ comment: '発病日を追記' });
    const rejected = await runNode(def, {}, { draft: extracted }, {}, undefined, resume({ decision: 'rejected', reason: '別の患者' }));
    expect(Object.keys(rejected)).toEqual(['rejected', 'decision']);
    await expect(runNode(def, {}, { draft: extracted }, {}, undefined, resume({ decision: 'expired' }))).rejects.toMatchObject({ code: 'REVIEW_DEADLINE_PASSED' });
    expect(() => def.config.parse({ reviewerRoles: [], reviewerUsers: [] })).toThrow(/at least one role or user/);
  });
});

describe('draft fields', () => {
  it('never offers bookkeeping keys (`_provenance`) as fields to confirm', async () => {
    const { draftFields } = await import('./review-data.js');
    const fields = draftFields({ diagnosis: '肺炎', _provenance: { aiDraft: true, nodeId: 'extract' } }, []);
    expect(fields.map((f) => f.key)).toEqual(['diagnosis']);
  });
});
