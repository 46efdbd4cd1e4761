import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

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
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
