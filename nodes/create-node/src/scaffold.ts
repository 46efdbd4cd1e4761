import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_NAME, SDK_VERSION } from '@medflow/sdk';

export interface ScaffoldOptions {
  /** npm package name, e.g. `@acme/medflow-char-count`. */
  name: string;
  /** The first node's type, e.g. `acme/char-count`. */
  nodeType: string;
}

const TEMPLATE_DIR = fileURLToPath(new URL('../template/', import.meta.url));

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

/** Writes a new node package with one working node, a test and a README; refuses a non-empty folder. */
export async function scaffoldPackage(dir: string, options: ScaffoldOptions): Promise<string[]> {
  if (!PACKAGE_NAME.test(options.name)) throw new Error(`--name "${options.name}" is not a valid lower-case npm package name`);
  if (!/^[a-z0-9-]+\/[a-z0-9-]+$/.test(options.nodeType)) throw new Error(`--type "${options.nodeType}" must look like "namespace/name" in kebab-case`);
  if (existsSync(dir) && (await readdir(dir)).length) throw new Error(`${dir} is not empty`);
  const sdkRange = `^${SDK_VERSION}`;
  const values: Record<string, string> = { NAME: options.name, NODE_TYPE: options.nodeType, SDK_RANGE: sdkRange, SDK_VERSION };
  const written: string[] = [];
  for (const file of await listFiles(TEMPLATE_DIR)) {
    const text = (await readFile(join(TEMPLATE_DIR, file), 'utf8')).replace(/__([A-Z_]+)__/g, (all, key: string) => values[key] ?? all);
    const target = join(dir, file.replace(/\.template$/, ''));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text);
    written.push(relative(dir, target));
  }
  return written.sort();
}
