import { describeNode, type AnyNodeDefinition, type NodeTypeDescription } from '@medflow/sdk';

/**
 * All node types by type and version. Old versions stay registered so that saved workflows, which pin
 * `typeVersion`, keep running after an upgrade.
 *
 * Nodes from installed packages are also kept by package version: several versions of a package may
 * be installed side by side, a workflow node pinned to `name@1.0.0` gets that one, and an unpinned
 * lookup (a node just dropped on the canvas) gets the newest installed.
 */
export class NodeRegistry {
  private readonly byType = new Map<string, Map<number, AnyNodeDefinition>>();
  private readonly byPin = new Map<string, AnyNodeDefinition>();
  private catalogueCache: NodeTypeDescription[] | undefined;

  register(def: AnyNodeDefinition): this {
    if (def.origin) return this.registerFromPackage(def);
    let versions = this.byType.get(def.type);
    if (!versions) this.byType.set(def.type, (versions = new Map()));
    if (versions.has(def.version)) throw new Error(`node type ${def.type}@${def.version} is registered twice`);
    versions.set(def.version, def);
    this.catalogueCache = undefined;
    return this;
  }

  registerAll(defs: Iterable<AnyNodeDefinition>): this {
    for (const def of defs) this.register(def);
    return this;
  }

  private registerFromPackage(def: AnyNodeDefinition): this {
    const origin = def.origin!;
    const existing = this.byType.get(def.type)?.get(def.version);
    if (existing && !existing.origin) throw new Error(`${def.type}@${def.version} from ${origin.package} would replace a built-in node`);
    if (existing && existing.origin!.package !== origin.package) throw new Error(`${def.type} is already provided by package ${existing.origin!.package}`);
    this.byPin.set(pinKey(def.type, def.version, `${origin.package}@${origin.version}`), def);
    this.activateNewest(def.type, def.version);
    return this;
  }

  /** Removes every node of one installed package version; the newest remaining version takes over. */
  unregisterPackage(name: string, version: string): void {
    const pin = `${name}@${version}`;
    const touched: Array<[string, number]> = [];
    for (const [key, def] of this.byPin) {
      if (`${def.origin!.package}@${def.origin!.version}` !== pin) continue;
      this.byPin.delete(key);
      touched.push([def.type, def.version]);
    }
    for (const [type, v] of touched) {
      this.byType.get(type)?.delete(v);
      this.activateNewest(type, v);
      if (this.byType.get(type)?.size === 0) this.byType.delete(type);
    }
    this.catalogueCache = undefined;
  }

  private activateNewest(type: string, version: number): void {
    const candidates = [...this.byPin.values()].filter((d) => d.type === type && d.version === version);
    candidates.sort((a, b) => compareVersions(b.origin!.version, a.origin!.version));
    const newest = candidates[0];
    if (newest) {
      let versions = this.byType.get(type);
      if (!versions) this.byType.set(type, (versions = new Map()));
      versions.set(version, newest);
    }
    this.catalogueCache = undefined;
  }

  /** `pin` (`name@1.2.3`) asks for a node as an installed package version provides it. */
  get(type: string, version: number, pin?: string): AnyNodeDefinition | undefined {
    if (pin) return this.byPin.get(pinKey(type, version, pin));
    return this.byType.get(type)?.get(version);
  }

  /** Installed package versions that provide a type, e.g. `['jp-date@1.0.0', 'jp-date@1.1.0']`. */
  packageVersions(type: string): string[] {
    return [...new Set([...this.byPin.values()].filter((d) => d.type === type).map((d) => `${d.origin!.package}@${d.origin!.version}`))].sort();
  }

  versions(type: string): number[] {
    return [...(this.byType.get(type)?.keys() ?? [])].sort((a, b) => a - b);
  }

  latest(type: string): AnyNodeDefinition | undefined {
    const versions = this.versions(type);
    const newest = versions[versions.length - 1];
    return newest === undefined ? undefined : this.get(type, newest);
  }

  /** Every version of every type, as JSON for `GET /api/node-types`. */
  catalogue(): NodeTypeDescription[] {
    if (!this.catalogueCache) {
      this.catalogueCache = [...this.byType.keys()].sort().flatMap((type) => {
        const versions = this.versions(type);
        const newest = versions[versions.length - 1];
        return versions.map((v) => describeNode(this.get(type, v)!, { latest: v === newest }));
      });
    }
    return this.catalogueCache;
  }

  /**
   * Upgrades a node's config from an old version to the latest through the latest definition's
   * migrations. Returns undefined when a step is missing (the node must then stay on its version).
   */
  upgradeConfig(type: string, fromVersion: number, config: Record<string, unknown>): { version: number; config: Record<string, unknown> } | undefined {
    const latest = this.latest(type);
    if (!latest) return undefined;
    let current = config;
    for (let v = fromVersion; v < latest.version; v++) {
      const step = latest.migrations?.find((m) => m.from === v);
      if (!step) return undefined;
      current = step.migrate(current);
    }
    return { version: latest.version, config: current };
  }
}

function pinKey(type: string, version: number, pin: string): string {
  return `${type}@${version}#${pin}`;
}

/** Semver order of `x.y.z[-pre]` (a pre-release sorts before its release). */
export function compareVersions(a: string, b: string): number {
  const [coreA, preA] = a.split('-', 2) as [string, string | undefined];
  const [coreB, preB] = b.split('-', 2) as [string, string | undefined];
  const pa = coreA.split('.').map(Number);
  const pb = coreB.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return preA < preB ? -1 : 1;
}
