import type { AuditLog } from '../compliance/audit-log.js';
import type { Engine } from '../engine/index.js';
import type { DocumentStore } from '../store/index.js';
import { secureRouter, type RouteTable } from './secure-router.js';

export function catalogueRouter(table: RouteTable, audit: AuditLog, engine: Engine, store: DocumentStore, version: string) {
  const r = secureRouter(table, '/api', audit);
  const startedAt = Date.now();

  /** The node catalogue the editor builds its palette and forms from. */
  r.get('/node-types', 'catalogue.read', (_req, res) => {
    res.json({ nodeTypes: engine.registry.catalogue() });
  });

  /** Public for load balancers and docker health checks: status only; the details need a signed-in user. */
  r.get('/health', 'public', async (req, res) => {
    let storeOk = true;
    try { await store.ping(); } catch { storeOk = false; }
    const summary = { status: storeOk ? 'ok' : 'degraded', store: { kind: store.kind, ok: storeOk } };
    if (!req.auth) { res.status(storeOk ? 200 : 503).json(summary); return; }
    res.status(storeOk ? 200 : 503).json({
      ...summary,
      version,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      activeRuns: engine.activeRuns,
      pools: engine.pools.stats(),
    });
  });
  return r.router;
}
