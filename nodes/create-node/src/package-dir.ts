import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SANDBOX_POLICY, inspectPackage, readPackageJson, writePackageArchive, integrityOf, type PackageInspection } from '@medflow/sandbox';
import type { NodePackageJson } from '@medflow/sdk';
import { bundlePackage } from './bundle.js';

/** Files besides the bundle that go into the archive when present. */
const EXTRA_FILES = ['README.md', 'LICENSE', 'LICENSE.md', 'CHANGELOG.md'];

export async function readPackageDir(dir: string): Promise<NodePackageJson> {
  return readPackageJson(new Map([['package.json', await readFile(join(dir, 'package.json'))]]));
}

async function archiveFiles(dir: string, packageJson: NodePackageJson, bundle?: Uint8Array): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  files.set('package.json', await readFile(join(dir, 'package.json')));
  files.set(packageJson.medflow.bundle, bundle ?? await readFile(join(dir, packageJson.medflow.bundle)));
  for (const name of EXTRA_FILES) if (existsSync(join(dir, name))) files.set(name, await readFile(join(dir, name)));
  return files;
}

/** Builds the bundle and runs the server's install checks on it (metadata read inside the sandbox). */
export async function validatePackageDir(dir: string, options: { build?: boolean } = {}): Promise<PackageInspection & { bundleBytes: number }> {
  const packageJson = await readPackageDir(dir);
  const built = options.build === false ? undefined : await bundlePackage(dir, packageJson);
  const files = await archiveFiles(dir, packageJson, built?.contents);
  const inspection = await inspectPackage(files, DEFAULT_SANDBOX_POLICY);
  return { ...inspection, bundleBytes: files.get(packageJson.medflow.bundle)!.byteLength };
}

/** Validates, then writes `<name>-<version>.tgz` (npm's layout) and returns its path and integrity. */
export async function packPackageDir(dir: string, outDir = dir): Promise<{ file: string; integrity: string; bytes: number; inspection: PackageInspection }> {
  const inspection = await validatePackageDir(dir);
  if (inspection.problems.length) throw Object.assign(new Error(`the package has problems:\n- ${inspection.problems.join('\n- ')}`), { problems: inspection.problems });
  // The bundle that was inspected is the one packed.
  const archive = await writePackageArchive(await archiveFiles(dir, inspection.packageJson, new TextEncoder().encode(inspection.bundle)));
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, `${inspection.packageJson.name.replace(/^@/, '').replace('/', '-')}-${inspection.packageJson.version}.tgz`);
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, archive);
  await rename(partial, file);
  return { file, integrity: integrityOf(archive), bytes: archive.byteLength, inspection };
}
