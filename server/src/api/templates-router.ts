import { Router } from 'express';
import { z } from 'zod';
import type { TemplateLibrary } from '../templates/template-library.js';
import { parse } from './validate.js';

export function templatesRouter(library: TemplateLibrary): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json({ templates: await library.list() });
  });
  // Slugs may have one level of grouping (`examples/fever-check`).
  router.get(/^\/([a-z0-9-]+(?:\/[a-z0-9-]+)?)$/, async (req, res) => {
    const slug = parse(z.string().max(200), (req.params as Record<string, string>)[0], 'params');
    res.json(await library.load(slug));
  });
  return router;
}
