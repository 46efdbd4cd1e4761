import { Router } from 'express';
import type { Runtime } from '../runtime/index.js';

/** Models in the models directory, with size, quantisation, context length and whether they are loaded. */
export function modelsRouter(runtime: Runtime): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json({ directory: runtime.registry.dir, backend: await runtime.llm.backend().catch((e: Error) => `unavailable: ${e.message}`), models: await runtime.registry.list() });
  });
  return router;
}
