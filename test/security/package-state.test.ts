import { afterAll, describe, expect, it } from 'vitest';
import { validatePackageDir } from '@medflow/create-node';
import { DEFAULT_SANDBOX_POLICY, effectiveLimits, PackageSandbox, type HostCallHandler } from '@medflow/sandbox';
import { buildPackage } from '../support/node-packages.js';

// A package's global kept one user's patient text and returned it in another user's run (its isolate stayed warm
// between runs). Each run now gets a slot of its own; nodes of one run still share it.
const SOURCE = String.raw`
import { defineNode, port, PortKinds, t, z } from '@medflow/sdk';
let remembered = null;
export default [defineNode({
  type: 'memo/keep', version: 1,
  display: { title: t('記憶', 'Keep'), category: 'utility', description: t('前の入力を返す', 'Returns the previous input') },
  inputs: { text: port(PortKinds.text) },
  outputs: { previous: port(PortKinds.json) },
  config: z.object({}),
  async execute(_ctx, { text }) { const previous = remembered; remembered = text; return { previous }; },
})];
`;

describe('package module state does not cross runs', () => {
  let sandbox: PackageSandbox | undefined;
  afterAll(async () => { await sandbox?.close(); });

  it('a global set in one run is gone in the next, and kept within a run', async () => {
    const built = await buildPackage({ name: 'memo-nodes', nodes: ['memo/keep'], source: SOURCE });
    const inspection = await validatePackageDir(built.dir, { build: false });
    sandbox = await PackageSandbox.open({ id: 'memo-nodes@1.0.0', bundle: inspection.bundle, limits: effectiveLimits({}, DEFAULT_SANDBOX_POLICY), poolSize: 1 });
    const refuse = () => { throw new Error('no host calls here'); };
    const handler: HostCallHandler = { call: async () => refuse(), callSync: refuse, notify: () => {} };
    const call = (runId: string, text: string) => sandbox!.execute(0, { config: {}, inputs: { text }, runId, nodeId: 'n', attempt: 1, runInputs: {}, granted: [] }, handler);
    expect(await call('run-user-a', '患者A 山田太郎 肺炎')).toEqual({ previous: null });
    expect(await call('run-user-a', 'second node of the same run')).toEqual({ previous: '患者A 山田太郎 肺炎' });
    expect(await call('run-user-b', '患者B')).toEqual({ previous: null });
  });
});
