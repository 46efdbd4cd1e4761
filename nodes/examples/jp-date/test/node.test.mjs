// Runs the package in the real MedFlow sandbox, as the server will: `npm test -w medflow-node-jp-date`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadPackageForTest } from '@medflow/create-node';

const dir = fileURLToPath(new URL('..', import.meta.url));

test('normalises Japanese-era and western dates and flags impossible ones', async () => {
  const pkg = await loadPackageForTest(dir);
  try {
    const note = '発症：令和6年4月1日、前回入院 H31/4/30、初診 2019年5月1日。平成31年5月1日 は誤記。生年月日 Ｓ６４．１．７';
    const { outputs, logs } = await pkg.run('example/jp-date', { inputs: { text: note } });
    assert.equal(outputs.text, '発症：2024-04-01、前回入院 2019-04-30、初診 2019-05-01。平成31年5月1日 は誤記。生年月日 1989-01-07');
    assert.equal(outputs.dates.invalid, 1);
    assert.match(outputs.dates.dates.find((d) => d.problem).problem, /平成の期間外/);
    assert.ok(logs.some((l) => l.level === 'warn'));
    const western = await pkg.run('example/jp-date', { config: { format: 'ja-western' }, inputs: { text: '令和元年5月1日' } });
    assert.equal(western.outputs.text, '2019年5月1日');
  } finally {
    await pkg.close();
  }
});
