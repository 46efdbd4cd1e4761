import { defineNode, field, MedflowError, port, PortKinds, t, z } from '@medflow/sdk';
import { draftFields, reviewSources } from './review-data.js';

const NAME = /^[a-z0-9][a-z0-9._-]{1,62}$/;
// Shown by the editor with the role names of the ユーザー page (管理者, 確認医…), not the internal keys.
const ROLE = z.enum(['admin', 'author', 'reviewer', 'runner', 'developer', 'auditor']).meta({ 'x-widget': 'role' });

const FieldSpecSchema = z.object({
  key: z.string().min(1).max(64).meta(field('項目キー', 'Key', '下書きの JSON のキー')),
  label: z.string().max(100).optional().meta(field('表示名', 'Label')),
  type: z.enum(['text', 'longtext', 'number', 'date', 'select', 'boolean', 'icd10', 'icd11']).default('text').meta(field('入力の種類', 'Input type', 'icd10 / icd11: コード検索で選ぶ欄')),
  options: z.array(z.string().max(100)).max(100).optional().meta(field('選択肢', 'Options', 'select のとき')),
  required: z.boolean().default(false).meta(field('必須', 'Required', '空のままでは承認できません')),
});

/** What the server resumes the gate with, once a permitted reviewer decided (or the deadline passed). */
export const ReviewDecisionSchema = z.object({
  decision: z.enum(['approved', 'rejected', 'returned', 'expired']),
  values: z.record(z.string(), z.unknown()).optional(),
  reason: z.string().optional(),
  comment: z.string().optional(),
  reviewer: z.object({ id: z.string(), username: z.string(), displayName: z.string() }).optional(),
  decidedAt: z.string(),
  edits: z.array(z.object({ key: z.string(), before: z.unknown(), after: z.unknown() })).default([]),
  reviewId: z.string(),
});
export type ReviewDecision = z.output<typeof ReviewDecisionSchema>;

/**
 * The human review gate: the run stops here, durably, until a physician allowed by the config approves
 * (with edits), rejects or returns the draft. Nothing is computed while it waits; the run continues on
 * the port of the decision, never re-running earlier nodes.
 */
export default defineNode({
  type: 'core/review',
  version: 1,
  display: {
    title: t('医師の確認', 'Physician review'),
    category: 'review',
    icon: '✔',
    description: t('AI の下書きを医師が確認・修正するまで実行を止めます。承認・差戻し・却下で分岐します', 'Pauses the run until a physician confirms or corrects the AI draft; branches on approve / return / reject'),
  },
  inputs: {
    draft: port(PortKinds.any, { title: t('下書き（項目抽出の結果・JSON・文章）', 'Draft (extracted fields, JSON or text)') }),
    sources: port(PortKinds.any, { multiple: true, optional: true, title: t('原本（本文・OCR・文字起こし・ファイル）', 'Sources (text, OCR, transcript, file)') }),
  },
  outputs: {
    approved: port(PortKinds.json, { title: t('承認（修正後の値）', 'Approved values') }),
    returned: port(PortKinds.json, { title: t('差戻し', 'Returned for changes') }),
    rejected: port(PortKinds.json, { title: t('却下', 'Rejected') }),
    decision: port(PortKinds.json, { title: t('確認記録', 'Review record') }),
  },
  config: z.object({
    title: z.string().min(1).max(200).default('AI下書きの確認').meta(field('確認画面の題名', 'Title')),
    instructions: z.string().max(5000).default('').meta(field('確認の指示', 'Instructions', '確認する医師への説明')),
    reviewerRoles: z.array(ROLE).max(6).default(['reviewer']).meta(field('確認できる役割', 'Roles that may decide')),
    reviewerUsers: z.array(z.string().regex(NAME, 'a user name')).max(100).default([]).meta(field('確認できるユーザー', 'Users who may decide', 'ユーザー名。役割と併用できます')),
    fields: z.array(FieldSpecSchema).max(200).default([]).meta(field('表示・修正する項目', 'Fields to show and edit', '空なら下書きの全項目')),
    deadlineHours: z.number().min(0.0001).max(24 * 90).optional().meta(field('期限（時間）', 'Deadline (hours)')),
    onDeadline: z.enum(['escalate', 'fail']).default('escalate').meta(field('期限切れのとき', 'When the deadline passes', 'escalate: 上長にも通知 / fail: 実行を失敗にする')),
    escalateRoles: z.array(ROLE).max(6).default(['admin']).meta(field('エスカレーション先の役割', 'Escalate to roles')),
  }).refine((c) => c.reviewerRoles.length + c.reviewerUsers.length > 0, { message: 'name at least one role or user who may decide', path: ['reviewerRoles'] }),
  confirmedOutputs: ['approved', 'decision'],
  async execute(ctx, { draft, sources }) {
    const cfg = ctx.config;
    if (!ctx.resume) {
      const fields = draftFields(draft, cfg.fields);
      return ctx.suspend({
        reason: 'review',
        payload: {
          title: cfg.title, instructions: cfg.instructions,
          reviewers: { roles: cfg.reviewerRoles, users: cfg.reviewerUsers },
          escalation: { onDeadline: cfg.onDeadline, roles: cfg.escalateRoles },
          fields, sources: reviewSources(sources), draft,
        },
        ...(cfg.deadlineHours ? { deadline: new Date(Date.now() + cfg.deadlineHours * 3_600_000).toISOString() } : {}),
      });
    }
    const decision = ReviewDecisionSchema.parse(ctx.resume.data);
    const record = { reviewId: decision.reviewId, decision: decision.decision, reviewer: decision.reviewer, decidedAt: decision.decidedAt, edits: decision.edits, ...(decision.reason ? { reason: decision.reason } : {}), ...(decision.comment ? { comment: decision.comment } : {}) };
    switch (decision.decision) {
      // Approved without values (the evaluation harness, an API client) means approved as drafted — what the review service sends too.
      case 'approved': return { approved: decision.values ?? Object.fromEntries(draftFields(draft, cfg.fields).map((f) => [f.key, f.value ?? null])), decision: record };
      case 'returned': return { returned: { comment: decision.comment ?? '', values: decision.values ?? {}, draft }, decision: record };
      case 'rejected': return { rejected: { reason: decision.reason ?? '', draft }, decision: record };
      default:
        throw new MedflowError({ code: 'REVIEW_DEADLINE_PASSED', category: 'USER', retryable: false, message: `nobody decided the review "${cfg.title}" before its deadline / 確認期限を過ぎました`, details: { reviewId: decision.reviewId } });
    }
  },
});
