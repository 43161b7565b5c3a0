import type { Capabilities } from '../../shared/api/auth.js';
import { can, type OrgPlace, type Principal, type RoleGrant } from './policy.js';

/**
 * What the signed-in user may do somewhere in her reach, asked of the policy itself (not re-derived from
 * role names), so that the client offers only what the server will allow: a school admin is not shown
 * "新建学校". Each capability asks `can` at the place of each of her grants — the place a new thing
 * would sit under.
 */
export function capabilitiesOf(principal: Principal): Capabilities {
  const somewhere = (decide: (place: OrgPlace) => boolean) => principal.grants.some((grant) => decide(placeOf(grant)));
  return {
    createRegion: can(principal, 'org.manage', { kind: 'region', place: { regionId: -1, groupId: null, schoolId: null, classroomId: null } }),
    createGroup: somewhere((place) => can(principal, 'org.manage', { kind: 'group', place: { ...place, groupId: null, schoolId: null } })),
    createSchool: somewhere((place) => can(principal, 'org.manage', { kind: 'school', place: { ...place, schoolId: null } })),
    manageSchool: somewhere((place) => can(principal, 'org.manage', { kind: 'school', place: { ...place, schoolId: place.schoolId ?? -1 } })),
    createClassroom: somewhere((place) => can(principal, 'org.manage', { kind: 'classroom', place: { ...place, schoolId: place.schoolId ?? -1 } })),
  };
}

/** The place a grant's scope names (a system admin's covers everything, so any place will do). */
function placeOf(grant: RoleGrant): OrgPlace {
  return { regionId: grant.regionId ?? -1, groupId: grant.groupId, schoolId: grant.schoolId, classroomId: null };
}
