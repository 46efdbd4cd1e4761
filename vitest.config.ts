import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The complete code tables are read from ../shared/codes where this checkout has it (tests and CI); a clone
// without it runs on the development subset and the tests that need complete tables skip, naming why.
const sharedCodes = src('../shared/codes');
const codeTablesDir = process.env.MEDFLOW_CODE_TABLES_DIR ?? (existsSync(`${sharedCodes}/icd10_who.tsv`) ? sharedCodes : undefined);

export default defineConfig({
  resolve: {
    // Tests run against sources; the built packages are what `npm start` and the CLI use.
    alias: {
      '@medflow/sdk': src('./nodes/sdk/src/index.ts'),
      '@medflow/data': src('./nodes/data/src/index.ts'),
      '@medflow/nodes-builtin': src('./nodes/builtin/src/index.ts'),
      '@medflow/sandbox': src('./nodes/sandbox/src/index.ts'),
      '@medflow/create-node': src('./nodes/create-node/src/index.ts'),
    },
  },
  test: {
    include: ['nodes/**/src/**/*.test.ts', 'server/src/**/*.test.ts', 'editor/src/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    env: codeTablesDir ? { MEDFLOW_CODE_TABLES_DIR: codeTablesDir } : {},
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
