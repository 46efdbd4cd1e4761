import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { NodePackageJson } from '@medflow/sdk';

const ENTRY_CANDIDATES = ['src/index.ts', 'src/index.js', 'src/index.mts', 'src/index.mjs'];

/** The package's source entry: `src/index.ts` (or .js), which default-exports its node definitions. */
export function findEntry(dir: string): string {
  for (const candidate of ENTRY_CANDIDATES) if (existsSync(join(dir, candidate))) return join(dir, candidate);
  throw new Error(`no entry file: expected one of ${ENTRY_CANDIDATES.join(', ')}`);
}

/**
 * Bundles the package with its dependencies (the SDK, zod) into one classic script that sets
 * `globalThis.__medflowPackage`: the only form the sandbox loads. Not minified, so the administrator
 * approving the package can read what it does.
 */
export async function bundlePackage(dir: string, packageJson: NodePackageJson): Promise<{ path: string; bytes: number; contents: Uint8Array }> {
  const root = resolve(dir);
  const entry = findEntry(root);
  const out = join(root, packageJson.medflow.bundle);
  await mkdir(dirname(out), { recursive: true });
  const result = await build({
    stdin: {
      contents: [
        `import * as mod from ${JSON.stringify(entry)};`,
        `import { exportForSandbox } from '@medflow/sdk';`,
        `const nodes = mod.default ?? mod.nodes;`,
        `if (!nodes) throw new Error('src/index must default-export its node definitions (an array, or one node)');`,
        `globalThis.__medflowPackage = exportForSandbox(Array.isArray(nodes) ? nodes : [nodes]);`,
      ].join('\n'),
      resolveDir: root,
      sourcefile: 'medflow-entry.js',
      loader: 'js',
    },
    bundle: true,
    format: 'iife',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['import', 'default'],
    // Node's built-in modules do not exist in the sandbox: importing one is a build error, not a surprise at run time.
    external: [],
    banner: { js: `/* ${packageJson.name}@${packageJson.version}: MedFlow node package bundle, built by @medflow/create-node */` },
    legalComments: 'inline',
    logLevel: 'silent',
    write: false,
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('the bundler produced no output');
  // Written aside and renamed: a test or editor reading the bundle never sees half a file.
  const partial = `${out}.${process.pid}.${Date.now()}.partial`;
  await writeFile(partial, file.contents);
  await rename(partial, out);
  return { path: out, bytes: file.contents.byteLength, contents: file.contents };
}
