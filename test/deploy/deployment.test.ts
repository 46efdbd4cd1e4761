import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../server/src/config.js';

/**
 * No Docker engine runs here (nor in CI), so the deployment files are checked statically: what a
 * hospital's `docker compose up` relies on, and that they agree with the code (workspaces, settings,
 * the start command the other tests run without Docker).
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(`${ROOT}${file}`, 'utf8');
const compose = parse(read('docker-compose.yml')) as { services: Record<string, any>; volumes: Record<string, unknown> };
const dockerfile = read('Dockerfile').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const envExample = Object.fromEntries(read('.env.example').split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const rootPackage = JSON.parse(read('package.json')) as { workspaces: string[]; scripts: Record<string, string> };

/** `${NAME:-default}` → the value from .env.example, else the default (what compose would substitute). */
const substitute = (value: string) => value.replace(/\$\{([A-Z_]+)(?::-([^}]*))?\}/g, (_m, name: string, fallback = '') => envExample[name] || fallback);

describe('docker-compose.yml', () => {
  const app = compose.services.app;
  const mongo = compose.services.mongodb;

  it('runs the app and MongoDB, restarting them, with health checks, the app waiting for a healthy database', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'app-gpu', 'mongodb']);
    for (const service of [app, mongo]) {
      expect(service.restart).toBe('unless-stopped');
      expect(service.healthcheck.test[0]).toBe('CMD');
      expect(service.healthcheck).toMatchObject({ interval: expect.any(String), retries: expect.any(Number) });
    }
    expect(app.depends_on).toEqual({ mongodb: { condition: 'service_healthy' } });
    expect(app.healthcheck.test.join(' ')).toContain('http://127.0.0.1:8080/api/health');
    expect(mongo.image).toMatch(/^mongo:\d+$/);
  });

  it('keeps data in named volumes, models read-only, and publishes only the app, on loopback by default', () => {
    expect(Object.keys(compose.volumes).sort()).toEqual(['app-data', 'mongo-data']);
    expect(app.volumes).toContain('app-data:/data');
    expect(app.volumes.find((v: string) => v.endsWith(':/models:ro'))).toBeDefined();
    expect(mongo.volumes).toEqual(['mongo-data:/data/db']);
    expect(mongo.ports).toBeUndefined();
    expect(app.ports).toHaveLength(1);
    expect(substitute(app.ports[0])).toBe('127.0.0.1:8080:8080');
  });

  it('gives the app settings the server accepts, pointing it at the compose MongoDB', () => {
    const env = Object.fromEntries(Object.entries(app.environment as Record<string, string>).map(([k, v]) => [k, substitute(String(v))]));
    expect(env.MONGODB_URI).toBe('mongodb://mongodb:27017/medflow');
    expect(env.MEDFLOW_PORT).toBe('8080');
    const config = loadConfig(env);
    expect(config).toMatchObject({ host: '0.0.0.0', port: 8080, mongodbUri: 'mongodb://mongodb:27017/medflow', dataDir: '/data' });
    expect(config.runtime.modelsDir).toBe('/models');
  });

  it('reserves one NVIDIA GPU for the app-gpu profile', () => {
    const gpu = compose.services['app-gpu'];
    expect(gpu).toMatchObject({ extends: 'app', profiles: ['gpu'], environment: { MEDFLOW_GPU: 'cuda' } });
    expect(gpu.deploy.resources.reservations.devices).toEqual([{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }]);
  });
});

describe('.env.example', () => {
  it('names only settings the server or compose knows, and its values pass the server\'s checks', () => {
    const composeOnly = ['MEDFLOW_VERSION', 'MEDFLOW_BIND', 'MEDFLOW_PUBLISHED_PORT', 'MEDFLOW_MODELS_HOST_DIR', 'MEDFLOW_CODE_TABLES_HOST_DIR'];
    const configKeys = Object.keys(envExample).filter((k) => !composeOnly.includes(k));
    const composeText = read('docker-compose.yml');
    for (const key of Object.keys(envExample)) expect(composeText, `${key} is not passed by docker-compose.yml`).toContain(`\${${key}`);
    const env = { ...Object.fromEntries(configKeys.map((k) => [k, envExample[k]!])), MEDFLOW_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` };
    expect(() => loadConfig(env)).not.toThrow();
  });
});

describe('Dockerfile', () => {
  const froms = dockerfile.filter((l) => l.startsWith('FROM '));
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf(froms.at(-1)!));

  it('builds in one stage and runs in a slim one, as a non-root user', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(froms[0]).toMatch(/^FROM node:20-bookworm AS build$/);
    expect(froms.at(-1)).toMatch(/^FROM node:20-bookworm-slim$/);
    const user = finalStage.filter((l) => l.startsWith('USER ')).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/USER (root|0)\b/);
    expect(finalStage).toContain('EXPOSE 8080');
  });

  it('copies every workspace manifest before npm ci, and starts what npm start starts', () => {
    const ciAt = dockerfile.findIndex((l) => l.startsWith('RUN npm ci'));
    for (const workspace of rootPackage.workspaces) {
      const at = dockerfile.findIndex((l) => l === `COPY ${workspace}/package.json ${workspace}/`);
      expect(at, `${workspace}/package.json must be copied before npm ci`).toBeGreaterThanOrEqual(0);
      expect(at).toBeLessThan(ciAt);
    }
    expect(rootPackage.scripts.start).toContain('node server/dist/main.js');
    expect(finalStage.at(-1)).toBe('CMD ["node", "server/dist/main.js"]');
  });
});
