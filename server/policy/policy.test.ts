import { describe, expect, it } from 'vitest';
import type { Role } from '../../shared/roles.js';
import { can, canGrant, type CourseFacts, type RecordingFacts, type OrgPlace, type Principal, type RoleGrant } from './policy.js';

const grant = (role: Role, scope: Partial<Omit<RoleGrant, 'role'>> = {}): RoleGrant => ({
  role,
  regionId: null,
  groupId: null,
  schoolId: null,
  classroomId: null,
  ...scope,
});
const principal = (userId: number, ...grants: RoleGrant[]): Principal => ({ userId, grants, courseOnly: null });

// Region 1 has group 10 with lead school 100 (host classroom 1000) and teaching point 101 (classroom 1010);
// school 102 is in region 1 but no group; region 2 has school 200.
const place = (regionId: number, groupId: number | null, schoolId: number | null, classroomId: number | null = null): OrgPlace => ({
  regionId,
  groupId,
  schoolId,
  classroomId,
});
const leadSchool = place(1, 10, 100);
const teachingPoint = place(1, 10, 101);
const receivingRoom = place(1, 10, 101, 1010);
const otherSchool = place(1, null, 102);
const otherRegionSchool = place(2, null, 200);

const course: CourseFacts = {
  id: 7,
  host: place(1, 10, 100, 1000),
  leadTeacherId: 50,
  receivers: [{ place: receivingRoom, assistantTeacherId: 60 }],
  studentIds: [70],
  observable: true,
};

const system = principal(1, grant('system_admin'));
const county = principal(2, grant('region_admin', { regionId: 1 }));
const otherCounty = principal(3, grant('region_admin', { regionId: 2 }));
const groupAdmin = principal(4, grant('group_admin', { groupId: 10 }));
const leadAdmin = principal(5, grant('school_admin', { schoolId: 100 }));
const teacher = principal(50, grant('teacher', { schoolId: 100 }));
const otherTeacher = principal(51, grant('teacher', { schoolId: 100 }));
const assistant = principal(60, grant('assistant_teacher', { schoolId: 101 }));
const student = principal(70, grant('student', { schoolId: 101 }));
const device = principal(80, grant('classroom_device', { classroomId: 1010 }));
const otherDevice = principal(81, grant('classroom_device', { classroomId: 9999 }));

describe('policy: organisation', () => {
  it('lets a region admin manage schools of her region only', () => {
    expect(can(county, 'org.manage', { kind: 'school', place: teachingPoint })).toBe(true);
    expect(can(county, 'org.manage', { kind: 'school', place: otherRegionSchool })).toBe(false);
    expect(can(otherCounty, 'org.read', { kind: 'school', place: teachingPoint })).toBe(false);
  });

  it('lets a group admin see her group schools but not a school outside the group', () => {
    expect(can(groupAdmin, 'org.read', { kind: 'school', place: teachingPoint })).toBe(true);
    expect(can(groupAdmin, 'org.read', { kind: 'school', place: otherSchool })).toBe(false);
    expect(can(groupAdmin, 'org.manage', { kind: 'group', place: place(1, 10, null) })).toBe(false);
  });

  it('keeps regions themselves for the system admin', () => {
    expect(can(system, 'org.manage', { kind: 'region', place: place(1, null, null) })).toBe(true);
    expect(can(county, 'org.manage', { kind: 'region', place: place(1, null, null) })).toBe(false);
    expect(can(county, 'term.manage', { kind: 'region', place: place(1, null, null) })).toBe(true);
  });

  it('lets a school admin pair devices of her own school only', () => {
    expect(can(leadAdmin, 'classroom.pair', { kind: 'classroom', place: place(1, 10, 100, 1000) })).toBe(true);
    expect(can(leadAdmin, 'classroom.pair', { kind: 'classroom', place: receivingRoom })).toBe(false);
    expect(can(teacher, 'classroom.pair', { kind: 'classroom', place: place(1, 10, 100, 1000) })).toBe(false);
  });
});

describe('policy: courses', () => {
  const target = { kind: 'course' as const, course };
  it('lets the lead teacher teach her course and no other teacher', () => {
    expect(can(teacher, 'course.teach', target)).toBe(true);
    expect(can(otherTeacher, 'course.teach', target)).toBe(false);
    expect(can(otherTeacher, 'course.read', target)).toBe(false);
  });

  it('lets receiving sites join: the assistant, the classroom device and the enrolled student', () => {
    for (const p of [assistant, device, student]) expect(can(p, 'course.join', target)).toBe(true);
    expect(can(otherDevice, 'course.join', target)).toBe(false);
    expect(can(principal(71, grant('student', { schoolId: 101 })), 'course.join', target)).toBe(false);
  });

  it('confines a student-link session to its course and to reading and joining it', () => {
    const linked: Principal = { ...student, courseOnly: 7 };
    expect(can(linked, 'course.join', target)).toBe(true);
    expect(can(linked, 'course.manage', target)).toBe(false);
    expect(can({ ...student, courseOnly: 8 }, 'course.join', target)).toBe(false);
    expect(can(linked, 'user.read', { kind: 'user', userId: 70, places: [], topRole: 'student' })).toBe(false);
  });

  it('lets admins over the host school manage the course, and admins over a receiver only observe', () => {
    expect(can(leadAdmin, 'course.manage', target)).toBe(true);
    const pointAdmin = principal(6, grant('school_admin', { schoolId: 101 }));
    expect(can(pointAdmin, 'course.read', target)).toBe(true);
    expect(can(pointAdmin, 'course.manage', target)).toBe(false);
  });

  it('lets the lead teacher and admins over the host school move, cancel or add a lesson, and nobody else', () => {
    expect(can(teacher, 'course.reschedule', target)).toBe(true);
    expect(can(leadAdmin, 'course.reschedule', target)).toBe(true);
    for (const p of [otherTeacher, assistant, device, student, principal(6, grant('school_admin', { schoolId: 101 }))]) {
      expect(can(p, 'course.reschedule', target)).toBe(false);
    }
    expect(can({ ...teacher, courseOnly: 7 }, 'course.reschedule', target)).toBe(false);
  });
});

describe('policy: putting classrooms and people on a course', () => {
  const person = (userId: number, ...at: OrgPlace[]) => ({ kind: 'user' as const, userId, places: at, topRole: 'student' as const });
  it('lets an admin assign only what she administers herself', () => {
    expect(can(groupAdmin, 'course.assign', { kind: 'classroom', place: receivingRoom })).toBe(true);
    expect(can(leadAdmin, 'course.assign', { kind: 'classroom', place: receivingRoom })).toBe(false);
    expect(can(groupAdmin, 'course.assign', { kind: 'classroom', place: { ...otherSchool, classroomId: 1020 } })).toBe(false);
    expect(can(county, 'course.assign', person(71, otherSchool))).toBe(true);
    expect(can(groupAdmin, 'course.assign', person(71, otherSchool))).toBe(false);
    expect(can(leadAdmin, 'course.assign', person(70, teachingPoint))).toBe(false);
    expect(can(otherCounty, 'course.assign', person(70, teachingPoint))).toBe(false);
  });

  it('lets nobody without an admin grant assign, not even the lead teacher', () => {
    expect(can(teacher, 'course.assign', person(70, teachingPoint))).toBe(false);
    expect(can(teacher, 'course.assign', { kind: 'classroom', place: receivingRoom })).toBe(false);
  });
});

describe('policy: lesson reports', () => {
  const target = { kind: 'course' as const, course };
  it('lets the lead teacher and admins over the host or a receiver read the whole report, and no other teacher', () => {
    for (const p of [teacher, leadAdmin, groupAdmin, county, system, principal(6, grant('school_admin', { schoolId: 101 }))]) {
      expect(can(p, 'reports.read', target)).toBe(true);
    }
    for (const p of [otherTeacher, assistant, student, device, otherCounty]) expect(can(p, 'reports.read', target)).toBe(false);
  });

  it('lets the sites that took part read only their own figures', () => {
    for (const p of [student, assistant, device, teacher, leadAdmin]) expect(can(p, 'reports.read_own', target)).toBe(true);
    for (const p of [otherTeacher, otherDevice, otherCounty, principal(71, grant('student', { schoolId: 101 }))]) {
      expect(can(p, 'reports.read_own', target)).toBe(false);
    }
  });

  it('keeps reports out of a student-link session', () => {
    const linked: Principal = { ...student, courseOnly: 7 };
    expect(can(linked, 'reports.read_own', target)).toBe(false);
    expect(can(linked, 'reports.read', target)).toBe(false);
  });
});

describe('policy: usage reports', () => {
  const region1 = { kind: 'region' as const, place: place(1, null, null) };
  it('keeps region reports and targets for the region admin, group reports for the group admin', () => {
    expect(can(county, 'reports.read', region1)).toBe(true);
    expect(can(county, 'targets.manage', region1)).toBe(true);
    expect(can(otherCounty, 'reports.read', region1)).toBe(false);
    expect(can(groupAdmin, 'reports.read', region1)).toBe(false);
    expect(can(groupAdmin, 'targets.manage', region1)).toBe(false);
    expect(can(groupAdmin, 'reports.read', { kind: 'group', place: place(1, 10, null) })).toBe(true);
    expect(can(leadAdmin, 'reports.read', { kind: 'group', place: place(1, 10, null) })).toBe(false);
  });

  it("lets a school admin read her school's reports, a teacher only her own course's, and nobody at a receiving site", () => {
    expect(can(leadAdmin, 'reports.read', { kind: 'school', place: leadSchool })).toBe(true);
    expect(can(leadAdmin, 'reports.read', { kind: 'school', place: teachingPoint })).toBe(false);
    expect(can(teacher, 'reports.read', { kind: 'school', place: leadSchool })).toBe(false);
    expect(can(teacher, 'reports.read', { kind: 'course', course })).toBe(true);
    expect(can(otherTeacher, 'reports.read', { kind: 'course', course })).toBe(false);
    for (const p of [assistant, student, device]) expect(can(p, 'reports.read', { kind: 'course', course })).toBe(false);
  });
});

describe('policy: people', () => {
  it('lets a school admin manage her teachers but not a region admin who teaches there', () => {
    const teacherTarget = { kind: 'user' as const, userId: 50, places: [leadSchool], topRole: 'teacher' as const };
    expect(can(leadAdmin, 'user.manage', teacherTarget)).toBe(true);
    const regionAdminTarget = { kind: 'user' as const, userId: 2, places: [place(1, null, null), leadSchool], topRole: 'region_admin' as const };
    expect(can(leadAdmin, 'user.read', regionAdminTarget)).toBe(true);
    expect(can(leadAdmin, 'user.manage', regionAdminTarget)).toBe(false);
    expect(can(county, 'user.manage', regionAdminTarget)).toBe(true);
  });

  it('lets everyone read herself and nobody else without an admin grant', () => {
    expect(can(teacher, 'user.read', { kind: 'user', userId: 50, places: [leadSchool], topRole: 'teacher' })).toBe(true);
    expect(can(teacher, 'user.read', { kind: 'user', userId: 51, places: [leadSchool], topRole: 'teacher' })).toBe(false);
  });

  it('grants roles only at or below the granter rank and inside her scope', () => {
    expect(canGrant(leadAdmin, grant('teacher', { schoolId: 100 }), leadSchool)).toBe(true);
    expect(canGrant(leadAdmin, grant('teacher', { schoolId: 101 }), teachingPoint)).toBe(false);
    expect(canGrant(leadAdmin, grant('group_admin', { groupId: 10 }), place(1, 10, null))).toBe(false);
    expect(canGrant(groupAdmin, grant('school_admin', { schoolId: 101 }), teachingPoint)).toBe(true);
    expect(canGrant(county, grant('system_admin'), null)).toBe(false);
    expect(canGrant(system, grant('system_admin'), null)).toBe(true);
  });
});

describe('policy: the review chain', () => {
  // County region 1 sits in city 500, in province 600; city 501 is another city of the same province.
  const above = [500, 600];
  const county1 = (reviewStep?: 'city' | 'province') => ({ kind: 'region' as const, place: place(1, null, null), above, ...(reviewStep && { reviewStep }) });
  const cityReviewer = principal(90, grant('city_reviewer', { regionId: 500 }));
  const otherCityReviewer = principal(91, grant('city_reviewer', { regionId: 501 }));
  const provinceReviewer = principal(92, grant('province_reviewer', { regionId: 600 }));

  it('lets the reviewers above a county read its file, and nobody of another city', () => {
    expect(can(cityReviewer, 'evaluation.read', county1())).toBe(true);
    expect(can(provinceReviewer, 'evaluation.read', county1())).toBe(true);
    expect(can(otherCityReviewer, 'evaluation.read', county1())).toBe(false);
    // Without the chain loaded, a reviewer is not presumed to be above anything.
    expect(can(cityReviewer, 'evaluation.read', { kind: 'region', place: place(1, null, null) })).toBe(false);
  });

  it('lets each reviewer act at her own step only, and never the county or a system admin', () => {
    expect(can(cityReviewer, 'evaluation.review', county1('city'))).toBe(true);
    expect(can(cityReviewer, 'evaluation.review', county1('province'))).toBe(false);
    expect(can(provinceReviewer, 'evaluation.review', county1('province'))).toBe(true);
    expect(can(provinceReviewer, 'evaluation.review', county1('city'))).toBe(false);
    expect(can(otherCityReviewer, 'evaluation.review', county1('city'))).toBe(false);
    expect(can(cityReviewer, 'evaluation.review', county1())).toBe(false);
    for (const p of [county, system]) {
      expect(can(p, 'evaluation.review', county1('city'))).toBe(false);
      expect(can(p, 'evaluation.review', county1('province'))).toBe(false);
    }
  });

  it('gives reviewers nothing else: no file editing, organisation, people, lessons or reports', () => {
    for (const p of [cityReviewer, provinceReviewer]) {
      expect(can(p, 'evaluation.manage', county1())).toBe(false);
      expect(can(p, 'org.browse', { kind: 'system' })).toBe(false);
      for (const region of [place(1, null, null), place(500, null, null), place(600, null, null)]) {
        for (const action of ['org.read', 'org.manage', 'reports.read', 'term.read', 'term.manage', 'targets.manage'] as const) {
          expect(can(p, action, { kind: 'region', place: region, above })).toBe(false);
        }
      }
      for (const action of ['org.read', 'reports.read', 'evaluation.read', 'evaluation.manage', 'course.create'] as const) {
        expect(can(p, action, { kind: 'school', place: leadSchool })).toBe(false);
      }
      expect(can(p, 'org.read', { kind: 'classroom', place: receivingRoom })).toBe(false);
      expect(can(p, 'user.read', { kind: 'user', userId: 50, places: [leadSchool], topRole: 'teacher' })).toBe(false);
      for (const action of ['course.read', 'course.join', 'reports.read'] as const) expect(can(p, action, { kind: 'course', course })).toBe(false);
      expect(canGrant(p, grant('teacher', { schoolId: 100 }), leadSchool)).toBe(false);
    }
  });

  it('leaves staffing the chain to the system admin', () => {
    expect(canGrant(system, grant('city_reviewer', { regionId: 500 }), place(500, null, null))).toBe(true);
    expect(canGrant(county, grant('city_reviewer', { regionId: 1 }), place(1, null, null))).toBe(false);
  });
});

describe('policy: recordings (录播 / 点播)', () => {
  // A teacher of another school of the group (the teaching point), of the region outside the group, of another region.
  const groupTeacher = principal(90, grant('teacher', { schoolId: 101 }));
  const regionTeacher = principal(91, grant('teacher', { schoolId: 102 }));
  const farTeacher = principal(92, grant('teacher', { schoolId: 200 }));
  const farAdmin = otherCounty;
  const placesOf: Record<number, OrgPlace[]> = { 90: [teachingPoint], 91: [otherSchool], 92: [otherRegionSchool], 3: [place(2, null, null)] };
  const recording = (who: Principal, visibility: RecordingFacts['visibility']) =>
    ({ kind: 'recording', recording: { course, visibility, viewerPlaces: placesOf[who.userId] ?? [] } }) as const;
  const watches = (who: Principal, visibility: RecordingFacts['visibility']) => can(who, 'recording.watch', recording(who, visibility));

  it("lets an unpublished recording be watched by the course's sites, its teacher and the admins over it, and nobody else", () => {
    for (const who of [teacher, assistant, student, device, leadAdmin, groupAdmin, county, system]) expect(watches(who, null)).toBe(true);
    for (const who of [otherTeacher, groupTeacher, regionTeacher, farTeacher, farAdmin, otherDevice]) expect(watches(who, null)).toBe(false);
  });

  it('widens a published recording to its visibility: the group, the region, everyone signed in', () => {
    expect([groupTeacher, regionTeacher, farTeacher].map((who) => watches(who, 'group'))).toEqual([true, false, false]);
    expect([groupTeacher, regionTeacher, farTeacher].map((who) => watches(who, 'region'))).toEqual([true, true, false]);
    expect([groupTeacher, regionTeacher, farTeacher, farAdmin].map((who) => watches(who, 'everyone'))).toEqual([true, true, true, true]);
    expect(watches(farAdmin, 'region')).toBe(false);
  });

  it('lets only the lead teacher and admins over the host school manage a recording', () => {
    const manages = (who: Principal) => can(who, 'recording.manage', recording(who, 'everyone'));
    expect([teacher, leadAdmin, groupAdmin, county, system].map(manages)).toEqual([true, true, true, true, true]);
    expect([otherTeacher, assistant, student, device, farAdmin, groupTeacher].map(manages)).toEqual([false, false, false, false, false, false]);
  });

  it("confines a student-link session to its own course's recordings", () => {
    const link: Principal = { ...student, courseOnly: course.id };
    expect(can(link, 'recording.watch', recording(link, null))).toBe(true);
    expect(can(link, 'recording.watch', { kind: 'recording', recording: { course: { ...course, id: 8 }, visibility: 'everyone', viewerPlaces: [teachingPoint] } })).toBe(false);
    expect(can(link, 'recording.manage', recording(link, null))).toBe(false);
  });
});

describe('policy: observing lessons (听课, 名师课堂)', () => {
  const groupTeacher = principal(90, grant('teacher', { schoolId: 101 }));
  const regionTeacher = principal(91, grant('teacher', { schoolId: 102 }));
  const farTeacher = principal(92, grant('teacher', { schoolId: 200 }));
  const researcher = principal(93, grant('researcher', { regionId: 1 }));
  const farResearcher = principal(94, grant('researcher', { regionId: 2 }));
  const placesOf: Record<number, OrgPlace[]> = { 50: [leadSchool], 51: [leadSchool], 60: [teachingPoint], 90: [teachingPoint], 91: [otherSchool], 92: [otherRegionSchool], 93: [place(1, null, null)], 94: [place(2, null, null)] };
  const observes = (who: Principal, observable = true) =>
    can(who, 'course.observe', { kind: 'observation', observation: { course: { ...course, observable }, viewerPlaces: placesOf[who.userId] ?? [] } });

  it("lets teachers of the host's group or region and its research staff observe a course open to it, and nobody from elsewhere", () => {
    expect([otherTeacher, groupTeacher, regionTeacher, researcher].map((who) => observes(who))).toEqual([true, true, true, true]);
    expect([farTeacher, farResearcher, otherDevice].map((who) => observes(who))).toEqual([false, false, false]);
  });

  it('keeps a course closed to observation for teachers and research staff, but not for the admins over it', () => {
    expect([otherTeacher, groupTeacher, regionTeacher, researcher].map((who) => observes(who, false))).toEqual([false, false, false, false]);
    expect([leadAdmin, groupAdmin, county, system].map((who) => observes(who, false))).toEqual([true, true, true, true]);
    expect(observes(otherCounty)).toBe(false);
  });

  it("never makes the course's own teacher, sites or students observers of it, nor a student-link session", () => {
    expect([teacher, assistant, student, device].map((who) => observes(who))).toEqual([false, false, false, false]);
    expect(can({ ...regionTeacher, courseOnly: course.id }, 'course.observe', { kind: 'observation', observation: { course, viewerPlaces: [otherSchool] } })).toBe(false);
  });

  it("lets only the region's admins set its research settings", () => {
    const region = { kind: 'region', place: place(1, null, null) } as const;
    expect([county, system].map((who) => can(who, 'research.manage', region))).toEqual([true, true]);
    expect([groupAdmin, leadAdmin, researcher, otherCounty, teacher].map((who) => can(who, 'research.manage', region))).toEqual([false, false, false, false, false]);
  });
});

describe('policy: watching a broadcast lesson (直播, 名校网络课堂)', () => {
  const homeStudent = principal(95, grant('student', { schoolId: 102 }));
  const farStudent = principal(96, grant('student', { schoolId: 200 }));
  const regionDevice = principal(97, grant('classroom_device', { classroomId: 1020 }));
  const placesOf: Record<number, OrgPlace[]> = { 50: [leadSchool], 70: [teachingPoint], 80: [receivingRoom], 91: [otherSchool], 95: [otherSchool], 96: [otherRegionSchool], 97: [place(1, null, 102, 1020)] };
  const regionTeacher = principal(91, grant('teacher', { schoolId: 102 }));
  const watches = (who: Principal) => can(who, 'course.watch_broadcast', { kind: 'broadcast', broadcast: { course, viewerPlaces: placesOf[who.userId] ?? [] } });

  it("lets anyone with a grant in the host's region watch, students and classroom devices that are none of the course's too", () => {
    expect([homeStudent, regionDevice, regionTeacher].map(watches)).toEqual([true, true, true]);
    expect(watches(farStudent)).toBe(false);
  });

  it("never makes the course's own teacher, sites or students viewers of it, nor a student-link session", () => {
    expect([teacher, student, device].map(watches)).toEqual([false, false, false]);
    expect(can({ ...homeStudent, courseOnly: course.id }, 'course.watch_broadcast', { kind: 'broadcast', broadcast: { course, viewerPlaces: [otherSchool] } })).toBe(false);
  });
});

describe('policy: reading a region rubric (评价表)', () => {
  const region = { kind: 'region', place: place(1, null, null), contents: { groupIds: [10], schoolIds: [100, 101, 102] } } as const;
  it("lets the region's staff read it: admins, research staff, its schools' teachers; not students, devices or another region", () => {
    const researcher = principal(93, grant('researcher', { regionId: 1 }));
    const farResearcher = principal(94, grant('researcher', { regionId: 2 }));
    expect([county, groupAdmin, leadAdmin, teacher, assistant, researcher].map((who) => can(who, 'research.read', region))).toEqual([true, true, true, true, true, true]);
    expect([student, device, otherCounty, farResearcher].map((who) => can(who, 'research.read', region))).toEqual([false, false, false, false]);
  });
});
