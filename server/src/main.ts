#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

const config = loadConfig();
if (!config.editorDir) {
  const bundled = fileURLToPath(new URL('../../editor/dist', import.meta.url));
  if (existsSync(bundled)) config.editorDir = bundled;
}
const logger = createLogger(config.logLevel);

try {
  const server = await startServer(config, logger);
  process.stdout.write(`MedFlow: ${server.url}  (store: ${server.store.kind}${server.store.kind === 'embedded' ? `, ${config.dataDir}` : ''})\n`);
  if (server.setupToken) process.stdout.write(`First run: open ${server.url}/#/setup and enter the setup code ${server.setupToken}  (初回設定コード)\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal, activeRuns: server.engine.activeRuns });
    server.close().then(() => process.exit(0), () => process.exit(1));
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  logger.error('server failed to start', { error: (error as Error).message });
  process.exit(1);
}
