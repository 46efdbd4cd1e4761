import type { WorkflowDocumentInput } from '@medflow/sdk';

/** An edge between two node ports. */
export const edge = (from: string, fromPort: string, to: string, toPort: string) => ({ from: { node: from, port: fromPort }, to: { node: to, port: toPort } });

/** text → template → condition → template → output: the flow of the HTTP benchmark. */
export const feverFlow: WorkflowDocumentInput = {
  name: '発熱チェック',
  description: '診療記録に「発熱」があれば要確認の文を作る',
  nodes: [
    { id: 'note', type: 'core/text-input', typeVersion: 1, config: { name: 'note', title: '診療記録' } },
    { id: 'summary', type: 'core/template', typeVersion: 1, config: { template: '主訴: {{note}}' } },
    { id: 'fever', type: 'core/condition', typeVersion: 1, config: { rules: [{ operator: 'contains', value: '発熱' }] } },
    { id: 'alert', type: 'core/template', typeVersion: 1, config: { template: '【要確認】{{fever}}' } },
    { id: 'out', type: 'core/json-output', typeVersion: 1, config: { name: 'result' } },
  ],
  edges: [edge('note', 'text', 'summary', 'vars'), edge('summary', 'text', 'fever', 'value'), edge('fever', 'true', 'alert', 'vars'), edge('alert', 'text', 'out', 'value')],
};

/** A flow with two slow steps, for crash and cancellation tests. */
export function slowFlow(firstMs: number, secondMs: number): WorkflowDocumentInput {
  return {
    name: 'slow',
    nodes: [
      { id: 'note', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } },
      { id: 'first', type: 'core/delay', typeVersion: 1, config: { ms: firstMs } },
      { id: 'second', type: 'core/delay', typeVersion: 1, config: { ms: secondMs } },
      { id: 'done', type: 'core/template', typeVersion: 1, config: { template: '完了: {{second}}' } },
      { id: 'out', type: 'core/json-output', typeVersion: 1, config: { name: 'result' } },
    ],
    edges: [edge('note', 'text', 'first', 'value'), edge('first', 'value', 'second', 'value'), edge('second', 'value', 'done', 'vars'), edge('done', 'text', 'out', 'value')],
  };
}

/** A file input whose image and PDF branches go to different outputs. */
export const fileFlow: WorkflowDocumentInput = {
  name: 'ファイル振り分け',
  nodes: [
    { id: 'scan', type: 'core/file-input', typeVersion: 1, config: { name: 'scan', accept: ['image', 'pdf'], maxBytes: 1_000_000 } },
    { id: 'img', type: 'core/json-output', typeVersion: 1, config: { name: 'image' } },
    { id: 'pdf', type: 'core/json-output', typeVersion: 1, config: { name: 'pdf' } },
  ],
  edges: [edge('scan', 'image', 'img', 'value'), edge('scan', 'pdf', 'pdf', 'value')],
};

/** note → user code (core/code) → output `out`: for what user code may return or do. */
export const codeFlow = (source: string): WorkflowDocumentInput => ({
  name: 'code', nodes: [
    { id: 'note', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } },
    { id: 'code', type: 'core/code', typeVersion: 1, config: { source } },
    { id: 'out', type: 'core/json-output', typeVersion: 1, config: { name: 'out' } },
  ], edges: [edge('note', 'text', 'code', 'vars'), edge('code', 'result', 'out', 'value')],
});
