import { z } from 'zod';
import { refusal } from '../auth/auth-errors.js';
import type { AuditLog } from '../compliance/audit-log.js';
import { keyUsage, reencryptAll, type EncryptedStore } from '../compliance/encrypted-store.js';
import { purgeExpiredPayloads } from '../compliance/retention.js';
import { auditRequest } from './audit-helpers.js';
import { secureRouter, type RouteTable } from './secure-router.js';
import { parse } from './validate.js';

const PurgeBody = z.object({ retentionDays: z.number().int().min(1).max(36_500).optional() }).default({});

export interface AdminDeps {
  table: RouteTable; audit: AuditLog; store: EncryptedStore; isLiveRun: (runId: string) => boolean;
  retentionDays: number | undefined; egressPolicy: string;
  /** The identity provider's issuer when single sign-on is on. */
  oidcIssuer?: string;
}

/** Settings that change how data is protected: encryption keys, retention. Admin only, every call audited. */
export function adminRouter(deps: AdminDeps) {
  const { audit, store } = deps;
  const r = secureRouter(deps.table, '/api/admin', audit);

  r.get('/security', 'settings.manage', async (_req, res) => {
    res.json({
      encryption: { algorithm: 'AES-256-GCM', activeKeyId: store.keys.keyring.activeId, keyIds: store.keys.keyring.keys.map((k) => k.id), keySource: store.keys.keyring.source.kind, usage: await keyUsage(store) },
      retention: { days: deps.retentionDays ?? null },
      egressPolicy: deps.egressPolicy,
      sso: { enabled: !!deps.oidcIssuer, issuer: deps.oidcIssuer ?? null },
    });
  });

  /** A new data key becomes active; run re-encrypt to move older data to it. */
  r.post('/encryption/rotate', 'settings.manage', async (req, res) => {
    if (store.keys.keyring.source.kind !== 'file') {
      throw refusal('KEYS_FROM_ENVIRONMENT', 'keys come from MEDFLOW_ENCRYPTION_KEYS: put a new "id:key" first there, restart, then re-encrypt');
    }
    store.keys.keyring = store.keys.keyring.rotate();
    await auditRequest(audit, req, { action: 'settings.encryption_rotate', patientData: false, outcome: 'success', details: { activeKeyId: store.keys.keyring.activeId } });
    res.status(201).json({ activeKeyId: store.keys.keyring.activeId, keyIds: store.keys.keyring.keys.map((k) => k.id) });
  });

  r.post('/encryption/reencrypt', 'settings.manage', async (req, res) => {
    const report = await reencryptAll(store, deps.isLiveRun);
    await auditRequest(audit, req, { action: 'settings.encryption_reencrypt', patientData: true, outcome: 'success', details: { ...report } });
    res.json(report);
  });

  r.post('/retention/purge', 'settings.manage', async (req, res) => {
    const { retentionDays } = parse(PurgeBody, req.body ?? {}, 'body');
    const days = retentionDays ?? deps.retentionDays;
    if (!days) throw refusal('RETENTION_NOT_SET', 'no retention period: set MEDFLOW_RETENTION_DAYS or give retentionDays', { problems: [{ path: 'body.retentionDays', message: 'required when MEDFLOW_RETENTION_DAYS is not set' }] });
    await auditRequest(audit, req, { action: 'settings.retention_purge', patientData: true, outcome: 'success', details: { retentionDays: days } });
    res.json(await purgeExpiredPayloads(store, audit, days));
  });

  return r.router;
}
