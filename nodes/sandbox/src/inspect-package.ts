import { NodePackageJsonSchema, SDK_VERSION, type NodePackageJson } from '@medflow/sdk';
import semver from 'semver';
import { descriptionProblems } from './sandboxed-node.js';
import type { GuestNodeDescription } from './description.js';
import { effectiveLimits, type SandboxPolicy } from './limits.js';
import { PackageSandbox } from './package-sandbox.js';
import { parseUntrustedJson } from './safe-json.js';

/** A bundle larger than this is refused: it is code an administrator is expected to be able to read. */
export const MAX_BUNDLE_BYTES = 5 * 1024 ** 2;

export interface PackageInspection {
  packageJson: NodePackageJson;
  bundle: string;
  descriptions: GuestNodeDescription[];
  /** Empty when the package can be installed. */
  problems: string[];
}

export class PackageProblem extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'PackageProblem';
  }
}

/** Reads package.json from package files; problems name the field. */
export function readPackageJson(files: Map<string, Uint8Array>): NodePackageJson {
  const raw = files.get('package.json');
  if (!raw) throw new PackageProblem(['package.json is missing']);
  let json: unknown;
  try { json = parseUntrustedJson(Buffer.from(raw).toString('utf8')); } catch (error) { throw new PackageProblem([`package.json is not JSON: ${(error as Error).message}`]); }
  const parsed = NodePackageJsonSchema.safeParse(json);
  if (!parsed.success) throw new PackageProblem(parsed.error.issues.map((i) => `package.json ${i.path.join('.') || '(root)'}: ${i.message}`));
  return parsed.data;
}

/**
 * Everything the server checks before a package can be approved: the manifest, the SDK range, the
 * bundle, and the node descriptions, which are read by loading the bundle inside the sandbox.
 * `create-node validate` runs the same checks, so a package that validates installs.
 */
export async function inspectPackage(files: Map<string, Uint8Array>, policy: SandboxPolicy): Promise<PackageInspection> {
  const packageJson = readPackageJson(files);
  const { medflow } = packageJson;
  const problems: string[] = [];
  const range = semver.validRange(medflow.sdk);
  if (!range) problems.push(`package.json medflow.sdk: "${medflow.sdk}" is not a semver range`);
  else if (!semver.satisfies(SDK_VERSION, range, { includePrerelease: true })) problems.push(`package.json medflow.sdk: the package needs SDK ${medflow.sdk}; this server has ${SDK_VERSION}`);
  const bundleBytes = files.get(medflow.bundle);
  if (!bundleBytes) throw new PackageProblem([...problems, `package.json medflow.bundle: ${medflow.bundle} is not in the package (run create-node pack)`]);
  if (bundleBytes.byteLength > MAX_BUNDLE_BYTES) throw new PackageProblem([...problems, `${medflow.bundle} is ${bundleBytes.byteLength} bytes; at most ${MAX_BUNDLE_BYTES}`]);
  const bundle = Buffer.from(bundleBytes).toString('utf8');
  const sandbox = await PackageSandbox.open({ id: `${packageJson.name}@${packageJson.version}`, bundle, limits: effectiveLimits(medflow.limits, policy), poolSize: 1 })
    .catch((error: Error) => { throw new PackageProblem([...problems, error.message]); });
  const descriptions = sandbox.descriptions;
  await sandbox.close();
  const seen = new Set<string>();
  for (const d of descriptions) {
    const key = `${d.type}@${d.version}`;
    if (seen.has(key)) problems.push(`${key} is exported twice`);
    seen.add(key);
    problems.push(...descriptionProblems(d, medflow.nodes));
    const caps = medflow.capabilities;
    const order = { none: 0, internal: 1, external: 2, optional: 1, required: 2 } as const;
    if (order[d.capabilities.egress] > order[caps.egress]) problems.push(`${key}: declares egress "${d.capabilities.egress}" but the package declares "${caps.egress}"`);
    for (const host of d.capabilities.networkHosts) if (!caps.networkHosts.includes(host)) problems.push(`${key}: contacts ${host}, which package.json medflow.capabilities.networkHosts does not list`);
    if (order[d.capabilities.gpu] > order[caps.gpu]) problems.push(`${key}: declares gpu "${d.capabilities.gpu}" but the package declares "${caps.gpu}"`);
  }
  for (const type of medflow.nodes) if (!descriptions.some((d) => d.type === type)) problems.push(`package.json medflow.nodes lists ${type}, but the bundle exports no such node`);
  return { packageJson, bundle, descriptions, problems };
}
