import type { AuditLog } from '../compliance/audit-log.js';
import type { Runtime } from '../runtime/index.js';
import { secureRouter, type RouteTable } from './secure-router.js';

/** Models in the models directory, with size, quantisation, context length and whether they are loaded. */
export function modelsRouter(table: RouteTable, audit: AuditLog, runtime: Runtime) {
  const router = secureRouter(table, '/api/models', audit);
  router.get('/', 'model.read', async (_req, res) => {
    res.json({ directory: runtime.registry.dir, backend: await runtime.llm.backend().catch((e: Error) => `unavailable: ${e.message}`), models: await runtime.registry.list() });
  });
  return router.router;
}
