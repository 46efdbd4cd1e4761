import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import { LoginThrottle } from '../auth/login-throttle.js';
import type { SessionService } from '../auth/session-service.js';
import type { UserService } from '../auth/user-service.js';
import type { AuditLog } from '../compliance/audit-log.js';
import type { EncryptedStore } from '../compliance/encrypted-store.js';
import type { SecurityConfig } from '../config.js';
import { adminRouter } from './admin-router.js';
import { auditRouter } from './audit-router.js';
import { authenticate } from './authenticate.js';
import { authRouter } from './auth-router.js';
import { RouteTable } from './secure-router.js';
import { usersRouter } from './users-router.js';
import { reviewsRouter } from './reviews-router.js';
import type { ReviewService } from '../reviews/review-service.js';
import type { StorePhiVault } from '../compliance/phi-vault.js';
import type { EvaluationService } from '../evaluation/evaluation-service.js';
import { evaluationsRouter } from './evaluations-router.js';
import { packagesRouter } from './packages-router.js';
import type { PackageService } from '../packages/package-service.js';
import type { OidcSignIn } from '../auth/oidc/oidc-sign-in.js';
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
import { codesRouter } from './codes-router.js';
import type { Runtime } from '../runtime/index.js';
import type { TemplateLibrary } from '../templates/template-library.js';
import type { RunFiles } from '../services/file-service.js';
import { findProtoKey, invalid, rejectDeepJson } from './validate.js';
import { workflowsRouter } from './workflows-router.js';

export interface AppDeps {
  engine: Engine;
  store: EncryptedStore;
  users: UserService;
  sessions: SessionService;
  audit: AuditLog;
  security: SecurityConfig;
  /** The first-run setup code while no user exists. */
  setupToken: string | undefined;
  workflows: WorkflowService;
  runs: RunService;
  reviews: ReviewService;
  phiVault: StorePhiVault;
  /** Stored files, each readable only through the run that holds it. */
  files: RunFiles;
  evaluations: EvaluationService;
  packages: PackageService;
  maxPackageBytes: number;
  logger: Logger;
  version: string;
  maxUploadBytes: number;
  maxJsonBytes: number;
  editorDir?: string;
  templates: TemplateLibrary;
  runtime: Runtime;
  /** Single sign-on, when configured. */
  oidc?: OidcSignIn;
}

/**
 * The HTTP app. Routers stay thin: they parse with zod and call services. Every API route is declared
 * with the permission it needs (see secure-router); `routes` lists them for the security tests.
 */
export function createApp(deps: AppDeps): Express & { routes: RouteTable } {
  const app = express() as Express & { routes: RouteTable };
  const table = new RouteTable();
  app.routes = table;
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.security.trustProxy);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    next();
  });
  app.use('/api', (_req, res, next) => { res.setHeader('Cache-Control', 'no-store'); next(); });
  app.use('/api', express.json({ limit: deps.maxJsonBytes, strict: true, verify: (_req, _res, buf) => rejectDeepJson(buf) }), (req, _res, next) => {
    const key = findProtoKey(req.body);
    next(key ? invalid([{ code: 'FORBIDDEN_KEY', path: `body.${key}`, message: '"__proto__" keys are not accepted' }]) : undefined);
  });

  const { audit } = deps;
  const api = express.Router();
  api.use(authenticate(deps.sessions, deps.users));
  api.use('/auth', authRouter({
    table, audit, users: deps.users, sessions: deps.sessions, throttle: new LoginThrottle(),
    cookies: { secure: deps.security.cookieSecure }, ...(deps.setupToken ? { setupToken: deps.setupToken } : {}), ...(deps.oidc ? { oidc: deps.oidc } : {}),
  }));
  api.use(catalogueRouter(table, audit, deps.engine, deps.store, deps.version));
  const lookup = (type: string, version: number, pin?: string) => deps.engine.registry.get(type, version, pin);
  const { workflowRuns, runs } = runsRouter({ table, audit, runs: deps.runs, workflows: deps.workflows, reviews: deps.reviews, files: deps.files, maxUploadBytes: deps.maxUploadBytes, lookup, phiVault: deps.phiVault });
  api.use('/workflows', workflowRuns);
  api.use('/workflows', workflowsRouter(table, audit, deps.workflows));
  const evaluationRoutes = evaluationsRouter(table, audit, deps.workflows, deps.evaluations);
  api.use('/workflows', evaluationRoutes.perWorkflow);
  api.use('/evaluations', evaluationRoutes.byId);
  api.use('/runs', runs);
  api.use('/reviews', reviewsRouter({ table, audit, reviews: deps.reviews, runs: deps.runs, files: deps.files, lookup }));
  api.use('/templates', templatesRouter(table, audit, deps.templates));
  api.use('/models', modelsRouter(table, audit, deps.runtime));
  api.use('/codes', codesRouter(table, audit, deps.runtime.codes));
  api.use('/users', usersRouter(table, audit, deps.users, deps.sessions));
  api.use('/audit', auditRouter(table, audit));
  api.use('/admin/packages', packagesRouter(table, audit, deps.packages, deps.maxPackageBytes));
  api.use('/admin', adminRouter({ table, audit, store: deps.store, isLiveRun: (id) => deps.engine.isActive(id), retentionDays: deps.security.retentionDays, egressPolicy: deps.security.egress.mode, ...(deps.security.oidc ? { oidcIssuer: deps.security.oidc.issuer } : {}) }));
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
