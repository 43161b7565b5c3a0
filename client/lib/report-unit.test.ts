import { describe, expect, it } from 'vitest';
import type { RoleGrantView } from '../../shared/api/auth.js';
import type { OrganisationTree, Region } from '../../shared/api/organisation.js';
import { defaultReportUnit } from './report-unit.js';

const grant = (role: RoleGrantView['role'], scope: Partial<Pick<RoleGrantView, 'regionId' | 'groupId' | 'schoolId'>> = {}): RoleGrantView => ({
  id: 1,
  role,
  regionId: null,
  groupId: null,
  schoolId: null,
  classroomId: null,
  scopeName: '',
  ...scope,
});

const region = (id: number, active: boolean): Region => ({ id, name: `区${id}`, code: `r${id}`, active, level: 'county', parentId: null });

/** The organisation as a system administrator's page holds it: loaded on first need, counted so a test sees when. */
function organisationOf(regions: Region[]) {
  const loaded: OrganisationTree = { regions, groups: [], schools: [], classrooms: [] };
  const organisation = {
    loads: 0,
    tree: { regions: [], groups: [], schools: [], classrooms: [] } as OrganisationTree,
    async ensureLoaded() {
      organisation.loads += 1;
      organisation.tree = loaded;
    },
  };
  return organisation;
}

describe('the unit a report page opens when the URL names none', () => {
  it('is the widest the user answers for: her region before her group before her school, without loading the organisation', async () => {
    const organisation = organisationOf([region(9, true)]);
    const grants = [grant('school_admin', { schoolId: 30 }), grant('group_admin', { groupId: 20 }), grant('region_admin', { regionId: 10 })];
    expect(await defaultReportUnit(grants, organisation, { teachersSchool: false })).toEqual({ scope: 'region', id: 10 });
    expect(await defaultReportUnit(grants.slice(0, 2), organisation, { teachersSchool: false })).toEqual({ scope: 'group', id: 20 });
    expect(await defaultReportUnit(grants.slice(0, 1), organisation, { teachersSchool: false })).toEqual({ scope: 'school', id: 30 });
    expect(organisation.loads).toBe(0);
  });

  it('opens a teacher’s own school only where the page counts it as hers', async () => {
    const organisation = organisationOf([]);
    const teacher = [grant('teacher', { schoolId: 31 })];
    expect(await defaultReportUnit(teacher, organisation, { teachersSchool: true })).toEqual({ scope: 'school', id: 31 });
    expect(await defaultReportUnit(teacher, organisation, { teachersSchool: false })).toBeNull();
  });

  it('prefers a school administrator’s school to the school she also teaches at', async () => {
    const grants = [grant('teacher', { schoolId: 31 }), grant('school_admin', { schoolId: 30 })];
    expect(await defaultReportUnit(grants, organisationOf([]), { teachersSchool: true })).toEqual({ scope: 'school', id: 30 });
  });

  it('gives a system administrator the first active region of the organisation, loading it first', async () => {
    const organisation = organisationOf([region(4, false), region(5, true), region(6, true)]);
    expect(await defaultReportUnit([grant('system_admin')], organisation, { teachersSchool: false })).toEqual({ scope: 'region', id: 5 });
    expect(organisation.loads).toBe(1);
  });

  it('is none for a system administrator with no active region, and for a user who answers for no unit', async () => {
    expect(await defaultReportUnit([grant('system_admin')], organisationOf([region(4, false)]), { teachersSchool: true })).toBeNull();
    expect(await defaultReportUnit([grant('student'), grant('researcher', { regionId: 10 })], organisationOf([region(5, true)]), { teachersSchool: true })).toBeNull();
  });
});
