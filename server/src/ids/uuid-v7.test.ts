import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uuidV7 } from './uuid-v7.js';

describe('uuidV7', () => {
  it('makes valid version-7 UUIDs that sort in creation order, also within one millisecond', () => {
    const ids = Array.from({ length: 2000 }, () => uuidV7());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids.slice(0, 50)) {
      expect(z.uuid().safeParse(id).success).toBe(true);
      expect(id[14]).toBe('7');
    }
    expect(uuidV7(Date.UTC(2030, 0, 1)).slice(0, 8)).toBe(Date.UTC(2030, 0, 1).toString(16).padStart(12, '0').slice(0, 8));
  });
});
