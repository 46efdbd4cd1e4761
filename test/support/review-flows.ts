
import { edge } from './flows.js';

/** Diagnosis and onset as a draft (merged into one object), reviewed against the note; each decision has its own output. */
export function gateFlow(gate: Record<string, unknown> = {}) {
  return {
    name: '確認ゲート',
    nodes: [
      { id: 'note', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } },
      { id: 'diagnosis', type: 'core/text-input', typeVersion: 1, config: { name: 'diagnosis' } },
      { id: 'onset', type: 'core/text-input', typeVersion: 1, config: { name: 'onset' } },
      { id: 'draft', type: 'core/merge', typeVersion: 1, config: { mode: 'object' } },
      { id: 'gate', type: 'core/review', typeVersion: 1, config: { title: '発生届の確認', fields: [{ key: 'diagnosis', label: '診断名', required: true }, { key: 'onset', label: '発病日', type: 'date' }], ...gate } },
      { id: 'letter', type: 'core/template', typeVersion: 1, config: { template: '確定: {{gate.diagnosis}}（発病 {{gate.onset}}）' } },
      { id: 'final', type: 'core/json-output', typeVersion: 1, config: { name: 'final' } },
      { id: 'rejection', type: 'core/json-output', typeVersion: 1, config: { name: 'rejection' } },
      { id: 'record', type: 'core/json-output', typeVersion: 1, config: { name: 'record' } },
    ],
    edges: [
      edge('diagnosis', 'text', 'draft', 'in'), edge('onset', 'text', 'draft', 'in'),
      edge('draft', 'value', 'gate', 'draft'), edge('note', 'text', 'gate', 'sources'),
      edge('gate', 'approved', 'letter', 'vars'), edge('letter', 'text', 'final', 'value'),
      edge('gate', 'rejected', 'rejection', 'value'), edge('gate', 'decision', 'record', 'value'),
    ],
  };
}

export const gateInputs = { note: '11/20 発熱、11/22 胸部X線で右下肺野浸潤影。肺炎と診断。', diagnosis: '肺炎', onset: '11/20' };
