import { defineNode, field, functionBodyProblem, port, PortKinds, t, z } from '@medflow/sdk';
import { buildScope } from '../shared/scope.js';

const EXAMPLE = `// input.<ノードID> で上流の値を読めます（input.input は最初の値）。
// 戻り値が次のノードに渡ります。Node.js・ファイル・ネットワークは使えません。
const text = String(input.input ?? '');
return { length: text.length, hasFever: /発熱|38\\.\\d/.test(text) };`;

const config = z.object({
  source: z.string().min(1, 'write the body of the function').max(50_000).default(EXAMPLE)
    // A syntax error is found when the workflow is validated, not when it runs (compiled only, never called).
    .superRefine((source, ctx) => { const problem = functionBodyProblem(source); if (problem) ctx.addIssue({ code: 'custom', message: `syntax error: ${problem} / 構文エラー: ${problem}` }); })
    .describe('JavaScript: the body of async function (input) { … }; return the result')
    .meta(field('コード (JavaScript)', 'Code (JavaScript)', 'async function (input) { … } の中身を書き、結果を return します。input.<ノードID> で上流の値を読めます')),
  timeoutMs: z.number().int().min(10).max(30_000).default(1_000)
    .meta(field('制限時間 (ミリ秒)', 'Time limit (ms)', 'これを超えると停止します')),
});

/**
 * A JavaScript transform written in the editor. It runs in the isolated-vm sandbox, like third-party
 * nodes: a fresh context per run, no Node.js, no files, no network, bounded memory and CPU time.
 */
export default defineNode({
  type: 'core/code',
  version: 1,
  replaySafe: true,
  display: {
    title: t('コード (JavaScript)', 'Code (JavaScript)'),
    category: 'utility',
    icon: '{}',
    description: t('上流の値を JavaScript で変換します（サンドボックス内で実行）', 'Transforms upstream values with JavaScript (runs in the sandbox)'),
  },
  inputs: { vars: port(PortKinds.any, { multiple: true, optional: true, title: t('入力', 'Input') }) },
  outputs: { result: port(PortKinds.json, { title: t('結果', 'Result') }) },
  config,
  async execute(ctx, { vars }) {
    // A plain object: the scope has no prototype, which JSON would not keep anyway.
    const input = { ...buildScope(vars ?? []) };
    const result = await ctx.services.code.run({
      source: ctx.config.source, input, timeoutMs: ctx.config.timeoutMs, signal: ctx.signal,
      log: (level, message) => ctx.log[level](message),
    });
    return { result };
  },
});
