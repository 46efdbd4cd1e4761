import { createServer as createHttpServer, type Server } from 'node:http';
import { join } from 'node:path';
import { builtinNodes } from '@medflow/nodes-builtin';
import { createApp } from './api/app.js';
import type { ServerConfig } from './config.js';
import { Engine, NodeRegistry, ResourcePools } from './engine/index.js';
import { createLogger, type Logger } from './logger.js';
import { RunService } from './runs/run-service.js';
import { StoreJournal } from './runs/store-journal.js';
import { createRuntime, type Runtime } from './runtime/index.js';
import { createFileService } from './services/file-service.js';
import { openStore, type DocumentStore } from './store/index.js';
import { TemplateLibrary } from './templates/template-library.js';
import { WorkflowService } from './workflows/workflow-service.js';

export const VERSION = '0.1.0';

export interface RunningServer {
  http: Server;
  url: string;
  engine: Engine;
  store: DocumentStore;
  runtime: Runtime;
  resumedRuns: number;
  close(): Promise<void>;
}

/** Wires store, engine, services and HTTP, resumes runs a crash interrupted, and listens. */
export async function startServer(config: ServerConfig, logger: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  const store = await openStore({ sqlitePath: join(config.dataDir, 'medflow.db'), durability: config.durability, ...(config.mongodbUri ? { mongodbUri: config.mongodbUri } : {}) });
  const registry = new NodeRegistry().registerAll(builtinNodes);
  const files = createFileService(store.blobs);
  const runtime = createRuntime(config.runtime, logger);
  const services = runtime.services(files);
  const engine = new Engine({ registry, journal: new StoreJournal(store), pools: new ResourcePools(config.pools), services: () => services });
  const workflows = new WorkflowService(store, engine);
  const runs = new RunService(store, engine, workflows, logger);
  const resumedRuns = await runs.recoverInterrupted();

  const app = createApp({
    engine, store, workflows, runs, logger, version: VERSION, runtime,
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
  logger.info('server listening', { url, store: store.kind, dataDir: store.kind === 'embedded' ? config.dataDir : undefined, resumedRuns, nodeTypes: registry.catalogue().length });

  return {
    http, url, engine, store, runtime, resumedRuns,
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      // Runs still executing stay "running" in the store and resume at the next start.
      await store.close();
      await runtime.close();
    },
  };
}
