import { describe, expect, it } from 'vitest';
import { CpuBudget } from './cpu-budget.js';
import { SOFTWARE_GPU } from './llm-service.js';

describe('CPU budget for llama.cpp', () => {
  it('keeps a core for the server and gives one back per finished tool, never below one', async () => {
    const budget = new CpuBudget(8);
    expect(budget.free).toBe(7);
    const seen: number[] = [];
    budget.onChange(() => seen.push(budget.free));
    let release!: () => void;
    const tool = budget.during(() => new Promise<void>((r) => { release = r; }));
    const second = budget.during(async () => { expect(budget.free).toBe(5); });
    await second;
    release();
    await tool;
    expect(seen).toEqual([6, 5, 6, 7]);
    // Two cores (this machine): one for the server, one for llama.cpp, and still one while OCR runs.
    const small = new CpuBudget(2);
    expect(small.free).toBe(1);
    await small.during(async () => expect(small.free).toBe(1));
    expect(new CpuBudget(1).free).toBe(1);
  });

  it('a tool that fails still gives its core back', async () => {
    const budget = new CpuBudget(4);
    await expect(budget.during(async () => { throw new Error('tesseract crashed'); })).rejects.toThrow('tesseract crashed');
    expect(budget.free).toBe(3);
  });

  it('knows software Vulkan devices from GPUs', () => {
    for (const name of ['llvmpipe (LLVM 15.0.6, 256 bits)', 'Lavapipe', 'SwiftShader Device (Subzero)', 'softpipe']) expect(SOFTWARE_GPU.test(name)).toBe(true);
    for (const name of ['NVIDIA H200', 'NVIDIA GeForce RTX 4070', 'AMD Radeon RX 7900 XTX', 'Intel(R) Arc(tm) A770 Graphics']) expect(SOFTWARE_GPU.test(name)).toBe(false);
  });
});
