import { describeNode, type AnyNodeDefinition, type NodeTypeDescription } from '@medflow/sdk';

/**
 * All node types by type and version. Old versions stay registered so that saved workflows, which pin
 * `typeVersion`, keep running after an upgrade.
 */
export class NodeRegistry {
  private readonly byType = new Map<string, Map<number, AnyNodeDefinition>>();
  private catalogueCache: NodeTypeDescription[] | undefined;

  register(def: AnyNodeDefinition): this {
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

  get(type: string, version: number): AnyNodeDefinition | undefined {
    return this.byType.get(type)?.get(version);
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
