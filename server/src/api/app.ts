import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import type { Engine } from '../engine/index.js';
import type { Logger } from '../logger.js';
import type { RunService } from '../runs/run-service.js';
import type { DocumentStore } from '../store/index.js';
import type { WorkflowService } from '../workflows/workflow-service.js';
import { catalogueRouter } from './catalogue-router.js';
import { errorHandler, notFoundRoute } from './errors.js';
import { landingPage } from './landing-page.js';
import { runsRouter } from './runs-router.js';
import { templatesRouter } from './templates-router.js';
import { modelsRouter } from './models-router.js';
import type { Runtime } from '../runtime/index.js';
import type { TemplateLibrary } from '../templates/template-library.js';
import { findProtoKey, invalid } from './validate.js';
import { workflowsRouter } from './workflows-router.js';

export interface AppDeps {
  engine: Engine;
  store: DocumentStore;
  workflows: WorkflowService;
  runs: RunService;
  logger: Logger;
  version: string;
  maxUploadBytes: number;
  maxJsonBytes: number;
  editorDir?: string;
  templates: TemplateLibrary;
  runtime: Runtime;
}

/** The HTTP app. Routers stay thin: they parse with zod and call services. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  app.use('/api', express.json({ limit: deps.maxJsonBytes, strict: true }), (req, _res, next) => {
    const key = findProtoKey(req.body);
    next(key ? invalid([{ code: 'FORBIDDEN_KEY', path: `body.${key}`, message: '"__proto__" keys are not accepted' }]) : undefined);
  });

  const api = express.Router();
  api.use(catalogueRouter(deps.engine, deps.store, deps.version));
  const { workflowRuns, runs } = runsRouter(deps.runs, deps.workflows, deps.store.blobs, deps.maxUploadBytes);
  api.use('/workflows', workflowRuns);
  api.use('/workflows', workflowsRouter(deps.workflows));
  api.use('/runs', runs);
  api.use('/templates', templatesRouter(deps.templates));
  api.use('/models', modelsRouter(deps.runtime));
  api.use(notFoundRoute);
  app.use('/api', api);

  const editorIndex = deps.editorDir ? join(deps.editorDir, 'index.html') : undefined;
  if (deps.editorDir && editorIndex && existsSync(editorIndex)) {
    app.use(express.static(deps.editorDir, { index: 'index.html', maxAge: '1h' }));
    app.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile(editorIndex));
  } else {
    app.get('/', (_req, res) => res.type('html').send(landingPage(deps.version)));
  }
  app.use(notFoundRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
