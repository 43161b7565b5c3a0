/**
 * Roles and scopes. A user holds one or more role grants; each grant is a role bounded by a scope
 * (the organisation unit it applies to). The policy module (server/policy) decides from these alone.
 */
export const ROLES = [
  'system_admin',
  'region_admin',
  'group_admin',
  'school_admin',
  'teacher',
  'assistant_teacher',
  'student',
  'classroom_device',
] as const;
export type Role = (typeof ROLES)[number];

/** Which organisation unit a role's scope names. */
export const ROLE_SCOPE_KIND: Record<Role, 'system' | 'region' | 'group' | 'school' | 'classroom'> = {
  system_admin: 'system',
  region_admin: 'region',
  group_admin: 'group',
  school_admin: 'school',
  teacher: 'school',
  assistant_teacher: 'school',
  student: 'school',
  classroom_device: 'classroom',
};

export const ADMIN_ROLES = ['system_admin', 'region_admin', 'group_admin', 'school_admin'] as const satisfies readonly Role[];
export type AdminRole = (typeof ADMIN_ROLES)[number];

export function isAdminRole(role: Role): role is AdminRole {
  return (ADMIN_ROLES as readonly Role[]).includes(role);
}
