import { z } from '@medflow/sdk';

/** Run input names appear in API calls and CLI flags (`--input note=@note.txt`), so they stay ASCII. */
export const InputNameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'use letters, digits and _ (e.g. note, scan_1)');
