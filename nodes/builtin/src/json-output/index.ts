import { defineNode, field, port, PortKinds, t, z } from '@medflow/sdk';
import { InputNameSchema } from '../shared/input-name.js';

/** Publishes a value as one of the run's results (`run.outputs[name]`), e.g. the draft for electronic entry. */
export default defineNode({
  type: 'core/json-output',
  version: 1,
  replaySafe: true,
  display: {
    title: t('結果出力', 'Output'),
    category: 'output',
    icon: '⇥',
    description: t('値を実行結果として出力します（JSON）', 'Publishes the value as a run result (JSON)'),
  },
  inputs: { value: port(PortKinds.any, { title: t('値', 'Value') }) },
  outputs: { value: port(PortKinds.json, { title: t('値', 'Value') }) },
  config: z.object({ name: InputNameSchema.default('result').meta(field('結果名', 'Result name')) }),
  role: 'output',
  runOutputName: (cfg) => cfg.name,
  async execute(_ctx, { value }) {
    return { value };
  },
});
