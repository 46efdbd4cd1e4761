import express, { type Request } from 'express';
import { z } from 'zod';
import { PACKAGE_NAME, PACKAGE_VERSION } from '@medflow/sdk';
import type { AuditLog } from '../compliance/audit-log.js';
import type { PackageService } from '../packages/package-service.js';
import { auditRequest } from './audit-helpers.js';
import { secureRouter, type RouteTable } from './secure-router.js';
import { parse } from './validate.js';
import { MedflowError } from '@medflow/sdk';

const IdParams = z.object({
  id: z.string().max(300).refine((id) => {
    const at = id.lastIndexOf('@');
    return at > 0 && PACKAGE_NAME.test(id.slice(0, at)) && PACKAGE_VERSION.test(id.slice(at + 1));
  }, 'must be "name@version", URL-encoded'),
});
const ApproveBody = z.object({
  integrity: z.string().regex(/^sha512-[A-Za-z0-9+/]+={0,2}$/, 'the sha512 integrity shown with the package'),
  capabilities: z.record(z.string(), z.unknown()),
});
const RegistryBody = z.object({
  name: z.string().max(214).regex(PACKAGE_NAME, 'a lower-case npm package name'),
  version: z.string().regex(PACKAGE_VERSION, 'an exact version like 1.2.3'),
});
const ForceQuery = z.object({ force: z.enum(['true', 'false']).optional() });

const ARCHIVE_TYPES = ['application/gzip', 'application/x-gzip', 'application/octet-stream', 'application/x-tar', 'application/x-compressed'];

/**
 * Node packages: developers and administrators upload (`node.install`); only an administrator
 * (`settings.manage`) approves capabilities or removes a package. Every step is audited.
 */
export function packagesRouter(table: RouteTable, audit: AuditLog, packages: PackageService, maxArchiveBytes: number) {
  const r = secureRouter(table, '/api/admin/packages', audit);

  r.get('/', 'node.install', async (_req, res) => {
    res.json({ packages: await packages.list() });
  });

  r.get('/:id', 'node.install', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    res.json(await packages.get(id));
  });

  /** Runs a package action and audits it either way: what it did on success, the reason on failure. */
  const audited = async <T>(
    req: Request, action: string, attempt: { id?: string; details?: Record<string, unknown> },
    work: () => Promise<T>, done: (result: T) => { id: string; details: Record<string, unknown> },
  ): Promise<T> => {
    try {
      const result = await work();
      const { id, details } = done(result);
      await auditRequest(audit, req, { action, resource: { type: 'node_package', id }, patientData: false, outcome: 'success', details });
      return result;
    } catch (error) {
      await auditRequest(audit, req, { action, resource: { type: 'node_package', ...(attempt.id ? { id: attempt.id } : {}) }, patientData: false, outcome: 'failure', details: { ...attempt.details, reason: (error as Error).message.slice(0, 500) } });
      throw error;
    }
  };

  r.post('/', 'node.install', express.raw({ type: ARCHIVE_TYPES, limit: maxArchiveBytes }), async (req, res) => {
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
      throw new MedflowError({ code: 'UNSUPPORTED_MEDIA_TYPE', category: 'USER', message: `send the package .tgz as the request body with Content-Type ${ARCHIVE_TYPES[0]}`, details: { accepted: ARCHIVE_TYPES } });
    }
    const installed = await audited(req, 'package.upload', {}, () => packages.upload(req.body, req.auth!.user.username),
      (p) => ({ id: p.id, details: { integrity: p.integrity, capabilities: p.manifest.capabilities, nodes: p.nodes.map((n) => `${n.type}@${n.version}`) } }));
    res.status(201).json(installed);
  });

  r.post('/registry', 'node.install', async (req, res) => {
    const { name, version } = parse(RegistryBody, req.body, 'body');
    const installed = await audited(req, 'package.upload', { id: `${name}@${version}`, details: { source: 'registry' } },
      () => packages.installFromRegistry(name, version, req.auth!.user.username),
      (p) => ({ id: p.id, details: { source: 'registry', integrity: p.integrity, capabilities: p.manifest.capabilities } }));
    res.status(201).json(installed);
  });

  r.post('/:id/approve', 'settings.manage', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const body = parse(ApproveBody, req.body, 'body');
    res.json(await audited(req, 'package.approve', { id }, () => packages.approve(id, body, req.auth!.user.username),
      (p) => ({ id, details: { integrity: p.integrity, capabilities: p.manifest.capabilities } })));
  });

  r.delete('/:id', 'settings.manage', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const { force } = parse(ForceQuery, req.query, 'query');
    res.json(await audited(req, 'package.uninstall', { id }, () => packages.uninstall(id, { force: force === 'true' }),
      (removed) => ({ id, details: { forced: force === 'true', pinnedBy: removed.pinnedBy.length } })));
  });

  return r.router;
}
