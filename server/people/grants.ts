import type { RoleGrantInput } from '../../shared/api/people.js';
import { ROLE_SCOPE_KIND } from '../../shared/roles.js';
import type { RoleGrant } from '../policy/policy.js';

const SCOPE_COLUMNS = ['regionId', 'groupId', 'schoolId', 'classroomId'] as const;
type ScopeColumn = (typeof SCOPE_COLUMNS)[number];
const COLUMN_OF_KIND: Record<(typeof ROLE_SCOPE_KIND)[keyof typeof ROLE_SCOPE_KIND], ScopeColumn | null> = {
  system: null,
  region: 'regionId',
  group: 'groupId',
  school: 'schoolId',
  classroom: 'classroomId',
};

export type GrantCheck = { ok: true; grant: RoleGrant } | { ok: false; path: string; message: string };

/**
 * A grant as stored, or why it is malformed: exactly the scope column its role's kind names (ROLE_SCOPE_KIND)
 * is set and every other is null; a system admin has none.
 */
export function normaliseGrant(input: RoleGrantInput): GrantCheck {
  const grant: RoleGrant = {
    role: input.role,
    regionId: input.regionId ?? null,
    groupId: input.groupId ?? null,
    schoolId: input.schoolId ?? null,
    classroomId: input.classroomId ?? null,
  };
  const wanted = COLUMN_OF_KIND[ROLE_SCOPE_KIND[input.role]];
  if (wanted !== null && grant[wanted] === null) return { ok: false, path: wanted, message: `${input.role} needs ${wanted}` };
  const extra = SCOPE_COLUMNS.find((column) => column !== wanted && grant[column] !== null);
  if (extra) return { ok: false, path: extra, message: `${input.role} is scoped by ${wanted ?? 'nothing'}; ${extra} must be null` };
  return { ok: true, grant };
}

/** Are two grants the same role over the same scope? */
export function sameGrant(a: RoleGrant, b: RoleGrant): boolean {
  return a.role === b.role && SCOPE_COLUMNS.every((column) => a[column] === b[column]);
}
