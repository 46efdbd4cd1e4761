// Runs the package in the real MedFlow sandbox, exactly as the server will: `npm test`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPackageForTest } from '@medflow/create-node';

test('counts characters without whitespace', async () => {
  const pkg = await loadPackageForTest('.');
  try {
    const { outputs } = await pkg.run('__NODE_TYPE__', { config: {}, inputs: { text: '胸痛 あり\n発熱なし' } });
    assert.deepEqual(outputs.count, { characters: 8, lines: 2 });
  } finally {
    await pkg.close();
  }
});

test('rejects a config of the wrong type', async () => {
  const pkg = await loadPackageForTest('.', { build: false });
  try {
    await assert.rejects(pkg.run('__NODE_TYPE__', { config: { ignoreWhitespace: 'yes' }, inputs: { text: 'x' } }), /ignoreWhitespace/);
  } finally {
    await pkg.close();
  }
});
