import { createServer as createHttpServer, type Server } from 'node:http';
import { join } from 'node:path';
import { builtinNodes } from '@medflow/nodes-builtin';
import { createApp } from './api/app.js';
import type { ServerConfig } from './config.js';
import { Engine, NodeRegistry, NullJournal, ResourcePools } from './engine/index.js';
import { createLogger, type Logger } from './logger.js';
import { RunService } from './runs/run-service.js';
import { StoreJournal } from './runs/store-journal.js';
import { announceCodeTables, createRuntime, type Runtime } from './runtime/index.js';
import { RunFiles } from './services/file-service.js';
import { loadAuditKey } from './compliance/audit-key.js';
import { accessOf } from './api/workflow-access.js';
import { migrateFileStorage } from './services/file-migration.js';
import { openStore, type DocumentStore } from './store/index.js';
import { TemplateLibrary } from './templates/template-library.js';
import { WorkflowService } from './workflows/workflow-service.js';
import { PackageService } from './packages/package-service.js';
import { randomBytes } from 'node:crypto';
import { SessionService } from './auth/session-service.js';
import { UserService } from './auth/user-service.js';
import { AuditLog } from './compliance/audit-log.js';
import { checkEgress } from './compliance/egress-policy.js';
import { EncryptedStore } from './compliance/encrypted-store.js';
import { loadKeyring } from './compliance/keyring.js';
import { StorePhiVault } from './compliance/phi-vault.js';
import { EvaluationService } from './evaluation/evaluation-service.js';
import { purgeExpiredPayloads } from './compliance/retention.js';
import type { RouteTable } from './api/secure-router.js';
import { ReviewService } from './reviews/review-service.js';
import { OidcClient } from './auth/oidc/oidc-client.js';
import { OidcSignIn } from './auth/oidc/oidc-sign-in.js';

export const VERSION = '0.1.0';

export interface RunningServer {
  http: Server;
  url: string;
  engine: Engine;
  store: EncryptedStore;
  runtime: Runtime;
  resumedRuns: number;
  audit: AuditLog;
  users: UserService;
  reviews: ReviewService;
  routes: RouteTable;
  /** Set while no user exists: the code the first administrator enters. */
  setupToken?: string;
  close(): Promise<void>;
}

/** Wires store, engine, services and HTTP, resumes runs a crash interrupted, and listens. */
export async function startServer(config: ServerConfig, logger: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  const security = config.security;
  const rawStore = await openStore({ sqlitePath: join(config.dataDir, 'medflow.db'), durability: config.durability, ...(config.mongodbUri ? { mongodbUri: config.mongodbUri } : {}) });
  const keyring = loadKeyring({ ...(security.encryptionKeys ? { envKeys: security.encryptionKeys } : {}), keyFile: security.keyFile });
  if (keyring.source.kind === 'file' && keyring.source.generated) {
    logger.warn('generated a data encryption key; move it off this disk (MEDFLOW_ENCRYPTION_KEY_FILE) and keep a copy offline', { keyFile: keyring.source.path });
  }
  const store = new EncryptedStore(rawStore, { keyring });
  const auditKey = loadAuditKey({ ...(security.auditKey ? { envKey: security.auditKey } : {}), keyFile: security.auditKeyFile });
  if (auditKey.source.kind === 'file' && auditKey.source.generated) {
    logger.warn('generated the audit sealing key; keep it apart from the database (MEDFLOW_AUDIT_KEY_FILE) with a copy offline', { keyFile: auditKey.source.path });
  }
  const audit = new AuditLog(store, auditKey.key);
  const auditOpening = await audit.open();
  if (auditOpening.state === 'broken') logger.error('audit trail does not match its sealed head: recorded as audit.integrity; check it with GET /api/audit/verify', { ...auditOpening });
  if (auditOpening.state === 'sealed-existing') logger.info('audit trail sealed (events written before sealing)', { events: auditOpening.events });
  const users = new UserService(store, security.lockout);
  const sessions = new SessionService(store, security.session);
  const registry = new NodeRegistry().registerAll(builtinNodes);
  const files = RunFiles.of(store);
  const migrated = await migrateFileStorage(store, files);
  if (migrated.handles || migrated.names) logger.info('stored files moved to per-run handles', { ...migrated });
  const runtime = createRuntime(config.runtime, logger);
  const phiVault = new StorePhiVault(store);
  // Each run's nodes get a file service of that run only: a file id from elsewhere opens nothing.
  const services = (runId: string) => runtime.services(files.forRun(runId), phiVault);
  const packages = new PackageService(store, registry, config.packages, logger);
  const packageLoad = await packages.loadEnabled();
  if (packageLoad.loaded || packageLoad.failed) logger.info('node packages loaded', { ...packageLoad });
  const engine = new Engine({ registry, journal: new StoreJournal(store), pools: new ResourcePools(config.pools), services });
  const workflows = new WorkflowService(store, engine, (document) => checkEgress(document, (t, v, pin) => registry.get(t, v, pin), security.egress));
  const runs = new RunService(store, engine, workflows, logger);
  const reviews = new ReviewService(store, runs, audit, logger, (auth, workflowId) => accessOf(auth, workflows, workflowId));
  // Evaluation runs are many and synthetic: an engine of their own keeps them out of the run history.
  const evaluations = new EvaluationService(store, new Engine({ registry, journal: new NullJournal(), pools: new ResourcePools(config.pools), services }), logger);
  await evaluations.markInterrupted();
  reviews.attach(engine);
  const resumedRuns = await runs.recoverInterrupted();
  const reconciled = await reviews.reconcile();
  if (reconciled.created || reconciled.resumed) logger.info('reviews reconciled after restart', { ...reconciled });
  const reviewTimer = setInterval(() => void reviews.sweepDeadlines().catch((error: Error) => logger.error('review deadline sweep failed', { error: error.message })), 60_000);
  reviewTimer.unref();
  // A signed checkpoint a day goes to the log, which hospitals ship off this machine: a copy apart from the store.
  const checkpointTimer = setInterval(() => void audit.checkpoint().then(
    (checkpoint) => logger.info('audit checkpoint (keep a copy: medflow audit verify --checkpoint)', { checkpoint }),
    (error: Error) => logger.error('audit checkpoint failed', { error: error.message }),
  ), 86_400_000);
  checkpointTimer.unref();

  const setupToken = (await users.count()) === 0 ? security.setupToken ?? randomBytes(9).toString('base64url') : undefined;

  let retentionTimer: NodeJS.Timeout | undefined;
  if (security.retentionDays) {
    const days = security.retentionDays;
    const sweep = () => purgeExpiredPayloads(store, audit, days).then(
      (report) => { if (report.runsPurged || report.files) logger.info('retention purge', { ...report }); },
      (error: Error) => logger.error('retention purge failed', { error: error.message }),
    );
    retentionTimer = setInterval(sweep, 3_600_000);
    retentionTimer.unref();
    void sweep();
  }

  const oidcClient = security.oidc ? new OidcClient({ ...security.oidc, redirectUri: security.oidc.redirectUri ?? '' }) : undefined;
  const app = createApp({
    engine, store, files, workflows, runs, reviews, phiVault, evaluations, packages, maxPackageBytes: config.packages.maxArchiveBytes, logger, version: VERSION, runtime, users, sessions, audit, security,
    setupToken, ...(oidcClient && security.oidc ? { oidc: new OidcSignIn(oidcClient, security.oidc, users) } : {}),
    maxUploadBytes: config.maxUploadBytes, maxJsonBytes: config.maxJsonBytes, templates: new TemplateLibrary(config.templatesDir),
    ...(config.editorDir ? { editorDir: config.editorDir } : {}),
  });
  const http = createHttpServer(app);
  http.headersTimeout = 60_000;
  http.requestTimeout = 15 * 60_000;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  // Without a configured redirect URI the provider sends users back to where we listen (known only now: port 0 picks one).
  if (oidcClient && !oidcClient.settings.redirectUri) oidcClient.settings.redirectUri = `${url}/api/auth/oidc/callback`;
  if (oidcClient) logger.info('single sign-on enabled', { issuer: oidcClient.settings.issuer, redirectUri: oidcClient.settings.redirectUri });
  if (setupToken) {
    // Only whoever can read the server's console can create the first administrator.
    logger.warn('no users yet: open the editor and create the first administrator with this setup code', { setupCode: setupToken });
  }
  announceCodeTables(runtime.codes, logger);
  logger.info('server listening', { url, store: store.kind, dataDir: store.kind === 'embedded' ? config.dataDir : undefined, resumedRuns, nodeTypes: registry.catalogue().length });

  return {
    http, url, engine, store, runtime, resumedRuns, audit, users, reviews, routes: app.routes,
    ...(setupToken ? { setupToken } : {}),
    async close() {
      clearInterval(retentionTimer);
      clearInterval(reviewTimer);
      clearInterval(checkpointTimer);
      await evaluations.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      // Runs still executing stay "running" in the store and resume at the next start.
      await store.close();
      await packages.close();
      await runtime.close();
    },
  };
}
