import type { NodeRunRecord, NodeTypeDescription, PortDescription, RunInputDescriptor, RunRecord, WorkflowDocument } from '@medflow/sdk';

export interface Problem { code: string; path: string; message: string; nodeId?: string; edgeIndex?: number }
export interface Analysis { valid: boolean; problems: Problem[]; inputs: RunInputDescriptor[]; outputs: string[]; dynamicPorts: Record<string, Record<string, PortDescription>> }
export interface WorkflowRecord { id: string; name: string; description?: string; draft: WorkflowDocument; revision: number; latestVersion?: number; createdAt: string; updatedAt: string }
export interface WorkflowSummary { id: string; name: string; description?: string; revision: number; latestVersion: number | null; nodeCount: number; updatedAt: string }
export interface VersionSummary { id: string; version: number; note?: string; publishedAt: string; nodeCount: number }
export interface Provenance { aiDraft: boolean; sources: Array<{ nodeId: string; type: string; kind: 'generates' | 'recognises'; title: { ja: string; en: string } }> }
export interface ReviewSummary {
  id: string; runId: string; nodeId: string; workflowId?: string; workflowName: string; title: string; status: string;
  createdAt: string; deadline: string | null; overdue: boolean; escalated: boolean; fieldCount: number; withoutEvidence: number;
  decision: { decision: string; reviewer?: { username: string; displayName: string }; decidedAt: string } | null; mayDecide: boolean;
  /** Who may decide: the gate's roles (with the escalation roles once escalated) and user names. */
  deciders: { roles: string[]; users: string[] };
}
export interface CodeView {
  system: 'icd10' | 'icd11'; code: string; title: { ja: string; en: string }; residual?: boolean; mapping: 'one' | 'many' | 'none'; cluster?: string;
  counterparts: Array<{ system: 'icd10' | 'icd11'; code: string; title: { ja: string; en: string }; residual?: boolean }>;
  hierarchy: Array<{ code: string; title: { ja: string; en: string } }>;
}
export interface ReviewField {
  key: string; label: string; type: 'text' | 'longtext' | 'number' | 'date' | 'select' | 'boolean' | 'icd10' | 'icd11'; options?: string[]; required: boolean;
  value: unknown; evidence: { start: number; end: number; text: string } | null; status: 'found' | 'not_found' | 'unsupported' | 'given'; rejected?: unknown;
}
export interface OcrLineView { text: string; confidence: number; box: { x: number; y: number; width: number; height: number } }
export type ReviewSource =
  | { kind: 'text'; text: string; from: string }
  | { kind: 'ocr'; fileId?: string; pages: Array<{ page: number; width: number; height: number; lines: OcrLineView[] }>; from: string }
  | { kind: 'transcript'; segments: Array<{ start: number; end: number; text: string }>; from: string }
  | { kind: 'file'; fileId: string; name: string; mediaType: string; from: string };
export interface ReviewDetail extends ReviewSummary {
  instructions: string; fields: ReviewField[]; sources: ReviewSource[]; madeBy: Provenance['sources'];
  reviewers: { roles: string[]; users: string[] }; result: { values?: Record<string, unknown>; reason?: string; comment?: string } | null;
  edits: Array<{ key: string; before: unknown; after: unknown }>;
}
export type DecisionBody =
  | { decision: 'approved'; values: Record<string, unknown> }
  | { decision: 'returned'; comment: string; values: Record<string, unknown> }
  | { decision: 'rejected'; reason: string };

export interface SecurityStatus {
  encryption: { algorithm: string; activeKeyId: string; keyIds: string[]; keySource: 'file' | 'env'; usage: Record<string, number> };
  retention: { days: number | null };
  egressPolicy: string;
  sso: { enabled: boolean; issuer: string | null };
}
export interface RunDetail {
  run: RunRecord; nodes: NodeRunRecord[];
  /** Which values are AI drafts (absent in the answer to a start with ?wait). */
  provenance?: { nodes: Record<string, Provenance>; outputs: Record<string, Provenance & { nodeId: string }> };
}
export type RunSummary = Omit<RunRecord, 'document'>;
export interface TemplateSummary { slug: string; name: string; description: string; nodeCount: number }

/** An API error with the server's code and per-field problems. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly problems: Problem[] = []) {
    super(message);
  }
}

export interface SessionUser { id: string; username: string; displayName: string; roles: string[]; totpEnabled: boolean; mustChangePassword: boolean; disabled: boolean; locked: boolean; lastLoginAt?: string; createdAt: string }
export interface SessionInfo { authenticated: boolean; setupRequired?: boolean; oidc?: boolean; user?: SessionUser; csrfToken?: string; permissions?: string[]; pending?: string[] }
export interface AuditEvent { seq: number; time: string; actor: { id?: string; username?: string } | null; action: string; resource?: { type: string; id?: string }; patientData: boolean; outcome: string; clientAddress?: string; details?: Record<string, unknown> }

/** The session's CSRF token, sent on every state-changing request (the server refuses them without it). */
let csrfToken: string | undefined;
export const setCsrfToken = (token: string | undefined) => { csrfToken = token; };
/** Called when the server says the session is gone, so the app can show the sign-in screen. */
let onSignedOut: () => void = () => {};
export const onSessionEnded = (listener: () => void) => { onSignedOut = listener; };

export interface PackageCapabilities { egress: 'none' | 'internal' | 'external'; networkHosts: string[]; gpu: 'none' | 'optional' | 'required'; filesystem: 'none' | 'run-files'; services: string[] }
export interface NodePackage {
  id: string; name: string; version: string; description?: string; author?: string; license?: string;
  status: 'pending' | 'enabled' | 'failed'; integrity: string; error?: string;
  manifest: { sdk: string; nodes: string[]; capabilities: PackageCapabilities; limits: { memoryMb?: number; cpuMs?: number; wallMs?: number } };
  nodes: Array<{ type: string; version: number; title: { ja: string; en: string } }>;
  source: { kind: 'upload' } | { kind: 'registry'; registry: string; tarball: string };
  uploadedBy: string; uploadedAt: string; approvedBy?: string; approvedAt?: string;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: method !== 'GET' && csrfToken ? { 'x-csrf-token': csrfToken } : {}, credentials: 'same-origin' };
  if (body instanceof FormData) init.body = body;
  else if (body instanceof Blob) {
    init.body = body;
    (init.headers as Record<string, string>)['content-type'] = 'application/gzip';
  }
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'NETWORK', 'サーバーに接続できません / cannot reach the server');
  }
  if (res.status === 204) return undefined as T;
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = json?.error ?? {};
    if (res.status === 401 && e.code === 'UNAUTHENTICATED') onSignedOut();
    throw new ApiError(res.status, e.code ?? 'HTTP_ERROR', e.message ?? res.statusText, e.details?.problems ?? []);
  }
  return json as T;
}

export const api = {
  session: () => request<SessionInfo>('GET', '/api/auth/session'),
  searchCodes: (system: 'icd10' | 'icd11', q: string, limit = 12) => request<{ results: CodeView[] }>('GET', `/api/codes/search?${new URLSearchParams({ system, q, limit: String(limit) })}`).then((r) => r.results),
  login: (username: string, password: string, totp?: string) => request<SessionInfo>('POST', '/api/auth/login', { username, password, ...(totp ? { totp } : {}) }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  setupTotp: (setupToken: string) => request<{ secret: string; otpauthUrl: string }>('POST', '/api/auth/setup/totp', { setupToken }),
  setup: (body: { setupToken: string; username: string; displayName: string; password: string; totpSecret: string; totpCode: string }) => request<SessionInfo>('POST', '/api/auth/setup', body),
  changePassword: (currentPassword: string, newPassword: string) => request<SessionInfo>('POST', '/api/auth/password', { currentPassword, newPassword }),
  beginTotp: () => request<{ secret: string; otpauthUrl: string }>('POST', '/api/auth/totp/begin'),
  confirmTotp: (code: string) => request<SessionInfo>('POST', '/api/auth/totp/confirm', { code }),
  users: () => request<{ users: SessionUser[] }>('GET', '/api/users').then((r) => r.users),
  createUser: (body: { username: string; displayName: string; roles: string[]; temporaryPassword: string }) => request<{ user: SessionUser }>('POST', '/api/users', body),
  updateUser: (id: string, change: Record<string, unknown>) => request<{ user: SessionUser }>('PATCH', `/api/users/${id}`, change),
  auditEvents: (limit = 200) => request<{ events: AuditEvent[] }>('GET', `/api/audit?limit=${limit}`).then((r) => r.events),
  packages: () => request<{ packages: NodePackage[] }>('GET', '/api/admin/packages').then((r) => r.packages),
  uploadPackage: (file: Blob) => request<NodePackage>('POST', '/api/admin/packages', file),
  installFromRegistry: (name: string, version: string) => request<NodePackage>('POST', '/api/admin/packages/registry', { name, version }),
  approvePackage: (p: NodePackage) => request<NodePackage>('POST', `/api/admin/packages/${encodeURIComponent(p.id)}/approve`, { integrity: p.integrity, capabilities: p.manifest.capabilities }),
  removePackage: (id: string) => request<{ id: string }>('DELETE', `/api/admin/packages/${encodeURIComponent(id)}`),
  securityStatus: () => request<SecurityStatus>('GET', '/api/admin/security'),
  rotateKey: () => request<{ activeKeyId: string; keyIds: string[] }>('POST', '/api/admin/encryption/rotate', {}),
  reencrypt: () => request<{ reencrypted: number; skippedLive: number; blobs: number }>('POST', '/api/admin/encryption/reencrypt', {}),
  purgeExpired: (retentionDays?: number) => request<{ runsPurged: number; nodeRecords: number; eventChunks: number; files: number; cutoff: string }>('POST', '/api/admin/retention/purge', retentionDays ? { retentionDays } : {}),
  verifyAudit: () => request<{ ok: boolean; checked: number; firstBroken?: { seq: number; reason: string } }>('GET', '/api/audit/verify'),
  nodeTypes: () => request<{ nodeTypes: NodeTypeDescription[] }>('GET', '/api/node-types').then((r) => r.nodeTypes),
  listWorkflows: () => request<{ workflows: WorkflowSummary[] }>('GET', '/api/workflows').then((r) => r.workflows),
  getWorkflow: (id: string) => request<{ workflow: WorkflowRecord; analysis: Analysis }>('GET', `/api/workflows/${id}`),
  createWorkflow: (document: unknown) => request<{ workflow: WorkflowRecord; analysis: Analysis }>('POST', '/api/workflows', { document }),
  saveWorkflow: (id: string, document: WorkflowDocument, revision: number) =>
    request<{ workflow: WorkflowRecord; analysis: Analysis }>('PUT', `/api/workflows/${id}`, { document, revision }),
  deleteWorkflow: (id: string) => request<void>('DELETE', `/api/workflows/${id}`),
  validate: (document: unknown) => request<Analysis>('POST', '/api/workflows/validate', { document }),
  publish: (id: string, note?: string) => request<{ version: VersionSummary }>('POST', `/api/workflows/${id}/publish`, note ? { note } : {}),
  versions: (id: string) => request<{ versions: VersionSummary[] }>('GET', `/api/workflows/${id}/versions`).then((r) => r.versions),
  restore: (id: string, version: number) => request<{ workflow: WorkflowRecord; analysis: Analysis }>('POST', `/api/workflows/${id}/versions/${version}/restore`),
  startRun: (id: string, form: FormData) => request<{ run: RunRecord }>('POST', `/api/workflows/${id}/runs`, form),
  getRun: (id: string) => request<RunDetail>('GET', `/api/runs/${id}`),
  listReviews: (query: { status?: string; workflowId?: string; overdue?: boolean }) => {
    const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== false).map(([k, v]) => [k, String(v)]));
    return request<{ reviews: ReviewSummary[] }>('GET', `/api/reviews?${q}`).then((r) => r.reviews);
  },
  getReview: (id: string) => request<{ review: ReviewDetail }>('GET', `/api/reviews/${id}`).then((r) => r.review),
  decideReview: (id: string, body: DecisionBody) => request<{ review: ReviewSummary; edits: ReviewDetail['edits']; replayed: boolean }>('POST', `/api/reviews/${id}/decision`, body),
  listRuns: (query: { workflowId?: string; status?: string; limit?: number }) => {
    const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
    return request<{ runs: RunSummary[] }>('GET', `/api/runs?${q}`).then((r) => r.runs);
  },
  cancelRun: (id: string) => request<{ run: RunRecord }>('POST', `/api/runs/${id}/cancel`, {}),
  templates: () => request<{ templates: TemplateSummary[] }>('GET', '/api/templates').then((r) => r.templates),
  template: (slug: string) => request<{ template: TemplateSummary; document: WorkflowDocument }>('GET', `/api/templates/${encodeURIComponent(slug)}`),
  fileUrl: (runId: string, fileId: string) => `/api/runs/${runId}/files/${fileId}`,
};
