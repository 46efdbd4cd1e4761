import { Router } from 'express';
import type { Engine } from '../engine/index.js';
import type { DocumentStore } from '../store/index.js';

export function catalogueRouter(engine: Engine, store: DocumentStore, version: string): Router {
  const router = Router();
  const startedAt = Date.now();

  /** The node catalogue the editor builds its palette and forms from. */
  router.get('/node-types', (_req, res) => {
    res.json({ nodeTypes: engine.registry.catalogue() });
  });

  router.get('/health', async (_req, res) => {
    let storeOk = true;
    try { await store.ping(); } catch { storeOk = false; }
    res.status(storeOk ? 200 : 503).json({
      status: storeOk ? 'ok' : 'degraded',
      version,
      store: { kind: store.kind, ok: storeOk },
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      activeRuns: engine.activeRuns,
      pools: engine.pools.stats(),
    });
  });
  return router;
}
