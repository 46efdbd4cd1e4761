import { ROLES, type Role } from '../roles.js';

/** Provider group → our roles, from `MEDFLOW_OIDC_ROLE_MAP` ("group=role+role,group2=role"). */
export type RoleMap = Record<string, Role[]>;

export function parseRoleMap(text: string): RoleMap {
  const map: RoleMap = {};
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.lastIndexOf('=');
    if (at <= 0) throw new Error(`"${pair}": use group=role (roles joined with +)`);
    const roles = pair.slice(at + 1).split('+').map((r) => r.trim());
    const unknown = roles.filter((r) => !ROLES.includes(r as Role));
    if (unknown.length) throw new Error(`"${pair}": unknown role ${unknown.join(', ')} (roles: ${ROLES.join(', ')})`);
    const group = pair.slice(0, at).trim();
    map[group] = [...new Set([...(map[group] ?? []), ...(roles as Role[])])];
  }
  return map;
}

/** A claim by dotted path, e.g. "groups" or Keycloak's "realm_access.roles". */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  let value: unknown = claims;
  for (const key of path.split('.')) {
    if (!value || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The roles a provider's groups grant; a space-separated string counts as a list. */
export function rolesFromClaims(claims: Record<string, unknown>, claimPath: string, map: RoleMap): { groups: string[]; roles: Role[] } {
  const raw = claimAt(claims, claimPath);
  const groups = (Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/\s+/) : []).filter((g): g is string => typeof g === 'string' && g !== '');
  const roles = new Set<Role>();
  for (const group of groups) for (const role of Object.hasOwn(map, group) ? map[group]! : []) roles.add(role);
  return { groups, roles: ROLES.filter((r) => roles.has(r)) };
}
