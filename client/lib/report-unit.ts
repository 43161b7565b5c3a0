import type { RoleGrantView } from '../../shared/api/auth.js';
import type { OrganisationManager } from './admin/organisation.svelte.js';

/** A region, education group or school: the units every report page can open. */
export interface ReportUnit {
  scope: 'region' | 'group' | 'school';
  id: number;
}

/** Which grants name a school the page may open by default. */
export interface DefaultUnitOptions {
  /**
   * A teacher's own school counts as hers (the usage report shows a teacher her school's lessons); where it is
   * false only a school administrator's school does (link health is for those who answer for the links).
   */
  teachersSchool: boolean;
}

/**
 * The unit a report page opens when the URL names none: the widest one the signed-in user answers for —
 * her region, else her education group, else her school; a system administrator, who answers for no one
 * region, gets the first active region of the organisation. Null when she answers for none.
 */
export async function defaultReportUnit(
  grants: readonly RoleGrantView[],
  organisation: Pick<OrganisationManager, 'ensureLoaded' | 'tree'>,
  options: DefaultUnitOptions,
): Promise<ReportUnit | null> {
  const grant = (role: RoleGrantView['role']) => grants.find((g) => g.role === role);
  const region = grant('region_admin');
  const group = grant('group_admin');
  const school = grant('school_admin') ?? (options.teachersSchool ? grant('teacher') : undefined);
  if (region?.regionId) return { scope: 'region', id: region.regionId };
  if (group?.groupId) return { scope: 'group', id: group.groupId };
  if (school?.schoolId) return { scope: 'school', id: school.schoolId };
  if (!grant('system_admin')) return null;
  await organisation.ensureLoaded();
  const first = organisation.tree.regions.find((r) => r.active);
  return first ? { scope: 'region', id: first.id } : null;
}
