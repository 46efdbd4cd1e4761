import { describe, expect, it } from 'vitest';
import { incoming, runNode } from '../testing/run-node.js';
import code from './index.js';

// Runs user code in the real isolated-vm sandbox (the same CodeSandbox the server uses).
describe('core/code', () => {
  it('transforms upstream values and returns JSON', async () => {
    const out = await runNode(code, { source: 'return { n: input.labs.CRP * 2, first: input.input.CRP, text: input.note.toUpperCase() };' },
      { vars: [incoming('labs', { CRP: 1.5 }), incoming('note', 'fever')] });
    expect(out.result).toEqual({ n: 3, first: 1.5, text: 'FEVER' });
  });

  it('runs the example a new node starts with', async () => {
    const out = await runNode(code, {}, { vars: [incoming('note', '38.5℃の発熱')] });
    expect(out.result).toEqual({ length: 8, hasFever: true });
  });

  it('reports the line of a runtime error and a syntax error', async () => {
    await expect(runNode(code, { source: 'const a = 1;\nreturn a.b.c;' })).rejects.toMatchObject({ code: 'CODE_FAILED', details: { line: 2, name: 'TypeError' } });
    // A syntax error is found when the workflow is validated (the sandbox refuses it too: code-sandbox.test.ts).
    await expect(runNode(code, { source: 'return {' })).rejects.toThrow(/syntax error/);
  });

  it('stops an endless loop at its time limit, and the next run works', async () => {
    const started = Date.now();
    await expect(runNode(code, { source: 'for (;;) {}', timeoutMs: 50 })).rejects.toMatchObject({ code: 'SANDBOX_CPU_LIMIT', category: 'USER' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await runNode(code, { source: 'return 1 + 1;' })).result).toBe(2);
  });

  it('has no Node.js: process, require, and the Function-constructor escape find nothing', async () => {
    const out = await runNode(code, { source: "return [typeof process, typeof require, typeof fetch, typeof setTimeout, (function(){}).constructor('return typeof process')()];" });
    expect(out.result).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
  });

  it('does not let one run see what another left in its globals', async () => {
    await runNode(code, { source: 'globalThis.leak = input.input; JSON.stringify = () => "hijacked"; return null;' }, { vars: [incoming('note', '患者A')] });
    const out = await runNode(code, { source: 'return [typeof globalThis.leak, JSON.stringify({ a: 1 })];' });
    expect(out.result).toEqual(['undefined', '{"a":1}']);
  });
});
