import { afterAll, describe, expect, it } from 'vitest';
import { CodeSandbox } from './code-sandbox.js';

describe('CodeSandbox', () => {
  const sandbox = new CodeSandbox({ memoryMb: 16, maxCpuMs: 1_000, maxOutputChars: 1_000_000, poolSize: 1 });
  afterAll(async () => { await sandbox.close(); });

  // Each run gets a fresh context in a pooled isolate; a handle kept into an old context would keep it
  // alive, and the 16 MB isolate would fill after a few hundred runs (seen before the handles were released).
  it('frees each run\'s context: 1,500 runs that allocate 200 kB each fit in a 16 MB isolate', async () => {
    for (let i = 0; i < 1_500; i++) {
      const out = await sandbox.run({ source: 'globalThis.keep = "x".repeat(200000) + input.i; return input.i;', input: { i }, timeoutMs: 500 });
      expect(out).toBe(i);
    }
  });

  it('refuses code that does not compile, and a returned function, with the reason', async () => {
    await expect(sandbox.run({ source: 'return {', input: null, timeoutMs: 500 })).rejects.toMatchObject({ code: 'CODE_SYNTAX_ERROR' });
    await expect(sandbox.run({ source: 'return () => 1;', input: null, timeoutMs: 500 })).rejects.toThrow(/returned a function/);
  });

  it('bounds the result size', async () => {
    await expect(sandbox.run({ source: 'return "x".repeat(2000000);', input: null, timeoutMs: 500 })).rejects.toMatchObject({ code: 'SANDBOX_OUTPUT_TOO_LARGE' });
  });

  it('stops code that awaits forever by the wall clock', async () => {
    await expect(sandbox.run({ source: 'await new Promise(() => {});', input: null, timeoutMs: 50 })).rejects.toMatchObject({ code: 'SANDBOX_TIMEOUT' });
    expect(await sandbox.run({ source: 'return 7;', input: null, timeoutMs: 50 })).toBe(7);
  });

  it('passes console output to the log and turns thrown non-Errors into messages', async () => {
    const lines: string[] = [];
    await sandbox.run({ source: 'console.warn("CRP", input.crp); return null;', input: { crp: 12.5 }, timeoutMs: 100, log: (level, m) => lines.push(`${level}:${m}`) });
    expect(lines).toEqual(['warn:CRP 12.5']);
    await expect(sandbox.run({ source: 'throw { reason: "bad" };', input: null, timeoutMs: 100 })).rejects.toMatchObject({ code: 'CODE_FAILED', message: expect.stringContaining('{"reason":"bad"}') });
  });
});
