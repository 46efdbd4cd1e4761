import { ErrorCodes, MedflowError } from '@medflow/sdk';
import { z } from 'zod';
import { auditCsvHeader, auditCsvRow, type AuditLog } from '../compliance/audit-log.js';
import { auditRequest } from './audit-helpers.js';
import { secureRouter, type RouteTable } from './secure-router.js';
import { parse } from './validate.js';

const ListQuery = z.object({
  actorId: z.uuid().optional(), action: z.string().max(100).optional(), resourceId: z.string().max(200).optional(),
  patientData: z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true')),
  limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0),
});

const SeqParams = z.object({ seq: z.coerce.number().int().min(1, 'seq: a sequence number (1 or more)') });

const VerifyBody = z.object({
  checkpoint: z.object({
    format: z.literal('medflow-audit-checkpoint/1'), seq: z.number().int().min(0), hash: z.string().regex(/^[a-f0-9]{64}$/, 'hash: 64 hexadecimal characters'),
    time: z.iso.datetime(), mac: z.string().regex(/^[a-f0-9]{64}$/, 'mac: 64 hexadecimal characters'),
  }),
});

/** The audit trail for auditors: list with filters, chain verification, CSV export (itself audited). */
export function auditRouter(table: RouteTable, audit: AuditLog) {
  const r = secureRouter(table, '/api/audit', audit);

  r.get('/', 'audit.read', async (req, res) => {
    const q = parse(ListQuery, req.query, 'query');
    const { limit, offset, ...filter } = q;
    res.json({ events: await audit.list(filter, limit, offset) });
  });

  r.get('/verify', 'audit.read', async (req, res) => {
    const result = await audit.verify();
    await auditRequest(audit, req, { action: 'audit.verify', patientData: false, outcome: result.ok ? 'success' : 'failure', details: { checked: result.checked, ...(result.firstBroken ? { firstBroken: result.firstBroken.seq } : {}) } });
    res.json(result);
  });

  /** Verifies the trail against a checkpoint kept elsewhere (printed earlier by this route or `medflow audit checkpoint`). */
  r.post('/verify', 'audit.read', async (req, res) => {
    const { checkpoint } = parse(VerifyBody, req.body ?? {}, 'body');
    const result = await audit.verify({ checkpoint });
    await auditRequest(audit, req, { action: 'audit.verify', patientData: false, outcome: result.ok ? 'success' : 'failure', details: { checked: result.checked, checkpointSeq: checkpoint.seq, ...(result.firstBroken ? { firstBroken: result.firstBroken.seq } : {}) } });
    res.json(result);
  });

  /** A signed checkpoint at the newest event, once the trail verifies: to print or file elsewhere. */
  r.post('/checkpoint', 'audit.read', async (req, res) => {
    const verified = await audit.verify();
    if (!verified.ok) {
      await auditRequest(audit, req, { action: 'audit.checkpoint', patientData: false, outcome: 'failure', details: { firstBroken: verified.firstBroken!.seq } });
      throw new MedflowError({ code: 'AUDIT_CHAIN_BROKEN', category: 'USER', message: `the trail does not verify (${verified.firstBroken!.reason} at ${verified.firstBroken!.seq}): no checkpoint is signed over it`, details: { ...verified } });
    }
    const checkpoint = await audit.checkpoint();
    await auditRequest(audit, req, { action: 'audit.checkpoint', patientData: false, outcome: 'success', details: { seq: checkpoint.seq } });
    res.status(201).json({ checkpoint });
  });

  /** The sealed free text of one event (a reason, a typed name): an audited read, itself in the trail. */
  r.get('/:seq/sealed', 'audit.read', async (req, res) => {
    const { seq } = parse(SeqParams, req.params, 'params');
    const found = await audit.sealedOf(seq);
    await auditRequest(audit, req, { action: 'audit.read_sealed', resource: { type: 'audit_event', id: String(seq) }, patientData: true, outcome: found ? 'success' : 'failure' });
    if (!found) throw new MedflowError({ code: ErrorCodes.NOT_FOUND, category: 'USER', message: `audit event ${seq} has no sealed text`, details: { seq } });
    res.json({ seq, ...found });
  });

  r.get('/export.csv', 'audit.export', async (req, res) => {
    await auditRequest(audit, req, { action: 'audit.export', patientData: false, outcome: 'success' });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="medflow-audit-${new Date().toISOString().slice(0, 10)}.csv"`);
    res.write('\uFEFF' + auditCsvHeader()); // BOM: Excel opens UTF-8 Japanese correctly
    for (let offset = 0; ; offset += 1000) {
      const page = await audit.list({}, 1000, offset, 'asc');
      for (const event of page) res.write(auditCsvRow(event));
      if (page.length < 1000) break;
    }
    res.end();
  });

  return r.router;
}
