/** Roles and what each may do. A user may hold several roles; permissions are the union. */
export const ROLES = ['admin', 'author', 'reviewer', 'runner', 'developer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'catalogue.read', 'template.read', 'model.read',
  'workflow.create', 'workflow.read', 'workflow.edit', 'workflow.publish', 'workflow.delete', 'workflow.share',
  'run.start', 'run.read', 'run.cancel',
  'review.read', 'review.decide',
  'node.install',
  'audit.read', 'audit.export',
  'user.manage', 'settings.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const BASIC: Permission[] = ['catalogue.read', 'template.read', 'model.read'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  author: [...BASIC, 'workflow.create', 'workflow.read', 'workflow.edit', 'workflow.publish', 'workflow.delete', 'workflow.share', 'run.start', 'run.read', 'run.cancel'],
  reviewer: [...BASIC, 'workflow.read', 'run.read', 'review.read', 'review.decide'],
  runner: [...BASIC, 'workflow.read', 'run.start', 'run.read', 'run.cancel'],
  developer: [...BASIC, 'node.install', 'workflow.read'],
  // Auditors read the trail, not patient data: no run.read.
  auditor: ['audit.read', 'audit.export'],
};

export const ROLE_TITLES: Record<Role, { ja: string; en: string }> = {
  admin: { ja: '管理者', en: 'Administrator' },
  author: { ja: '作成者', en: 'Author' },
  reviewer: { ja: '確認医', en: 'Reviewer' },
  runner: { ja: '実行者', en: 'Runner' },
  developer: { ja: '開発者', en: 'Developer' },
  auditor: { ja: '監査担当', en: 'Auditor' },
};

export function permissionsOf(roles: readonly Role[]): Set<Permission> {
  return new Set(roles.flatMap((r) => ROLE_PERMISSIONS[r] ?? []));
}
