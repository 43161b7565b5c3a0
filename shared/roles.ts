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
  /** 地市复核: reviews the self-evaluation files of the counties below her city; nothing else. */
  'city_reviewer',
  /** 省级督导评估: reviews (after the city) the files of the counties below her province; nothing else. */
  'province_reviewer',
  /** 教研员: research staff of a region's teaching-research office; observes and rates its lessons (名师课堂), administers nothing. */
  'researcher',
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
  city_reviewer: 'region',
  province_reviewer: 'region',
  researcher: 'region',
};

/** The review roles: each acts at one step of the review chain, over the counties below her region. */
export const REVIEWER_ROLES = ['city_reviewer', 'province_reviewer'] as const satisfies readonly Role[];
export type ReviewerRole = (typeof REVIEWER_ROLES)[number];

/**
 * Where a region sits in the review chain (county self-evaluation → city review → provincial inspection): a
 * county is evaluated, its city and its province review. Regions made before the chain existed are counties.
 */
export const REGION_LEVELS = ['province', 'city', 'county'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

/** The level a region's parent must have (a province has none). */
export const PARENT_LEVEL: Record<RegionLevel, RegionLevel | null> = { province: null, city: 'province', county: 'city' };

/** The level of the region a reviewer's grant names. */
export const REVIEWER_LEVEL: Record<ReviewerRole, RegionLevel> = { city_reviewer: 'city', province_reviewer: 'province' };

export const ADMIN_ROLES = ['system_admin', 'region_admin', 'group_admin', 'school_admin'] as const satisfies readonly Role[];
export type AdminRole = (typeof ADMIN_ROLES)[number];

export function isAdminRole(role: Role): role is AdminRole {
  return (ADMIN_ROLES as readonly Role[]).includes(role);
}
