import { z } from 'zod';
import { mappingKind, MedflowError, type CodeEntry, type CodeSystem, type MedicalCodesService } from '@medflow/sdk';
import type { AuditLog } from '../compliance/audit-log.js';
import { secureRouter, type RouteTable } from './secure-router.js';
import { parse } from './validate.js';

const SearchQuery = z.object({
  q: z.string().trim().min(1, 'type a name, kana reading, abbreviation or code').max(100),
  system: z.enum(['icd10', 'icd11']).default('icd10'),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

const CodeParams = z.object({ system: z.enum(['icd10', 'icd11']), code: z.string().min(1).max(40) });

/** A code as a physician picking it needs to see it: title, the other system's counterpart, where it sits. */
function describe(codes: MedicalCodesService, e: CodeEntry) {
  const other: CodeSystem = e.system === 'icd10' ? 'icd11' : 'icd10';
  return {
    system: e.system, code: e.code, title: e.title,
    ...(e.residual ? { residual: true } : {}),
    mapping: e.mapping ?? mappingKind(e.mapped),
    ...(e.cluster ? { cluster: e.cluster } : {}),
    counterparts: e.mapped.map((c) => {
      const m = codes.lookup(other, c);
      return { system: other, code: c, title: m?.title ?? { ja: '', en: '' }, ...(m?.residual ? { residual: true } : {}) };
    }),
    hierarchy: (codes.ancestors?.(e.system, e.code) ?? []).map((a) => ({ code: a.code, title: a.title })),
  };
}

/** Code search and lookup for the code picker (review screen, inspector) and for hospital IT checking which tables are active. */
export function codesRouter(table: RouteTable, audit: AuditLog, codes: MedicalCodesService) {
  const router = secureRouter(table, '/api/codes', audit);
  router.get('/info', 'catalogue.read', (_req, res) => {
    res.json(codes.info());
  });
  router.get('/search', 'catalogue.read', (req, res) => {
    const { q, system, limit } = parse(SearchQuery, req.query, 'query');
    res.json({ query: q, system, results: codes.search(system, q, limit).map((e) => describe(codes, e)) });
  });
  router.get('/:system/:code', 'catalogue.read', (req, res) => {
    const { system, code } = parse(CodeParams, req.params, 'params');
    const entry = codes.lookup(system, code);
    if (!entry) throw new MedflowError({ code: 'CODE_NOT_FOUND', category: 'USER', message: `${system.toUpperCase()} ${code} is not in the active tables / このコードは読み込まれた分類表にありません`, details: { system, code } });
    res.json(describe(codes, entry));
  });
  return router.router;
}
