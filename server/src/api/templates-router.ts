import { z } from 'zod';
import type { AuditLog } from '../compliance/audit-log.js';
import { secureRouter, type RouteTable } from './secure-router.js';
import type { TemplateLibrary } from '../templates/template-library.js';
import { parse } from './validate.js';

export function templatesRouter(table: RouteTable, audit: AuditLog, library: TemplateLibrary) {
  const router = secureRouter(table, '/api/templates', audit);
  router.get('/', 'template.read', async (_req, res) => {
    res.json({ templates: await library.list() });
  });
  // Slugs may have one level of grouping (`examples/fever-check`).
  router.get('/*slug', 'template.read', async (req, res) => {
    const slug = parse(z.string().max(200), [(req.params as Record<string, string[]>).slug ?? []].flat().join('/'), 'params');
    res.json(await library.load(slug));
  });
  return router.router;
}
