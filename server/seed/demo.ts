import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Logger } from 'pino';
import { ROLE_SCOPE_KIND } from '../../shared/roles.js';
import { addDays, isoWeekday, shanghaiDate } from '../../shared/time.js';
import { hashPassword } from '../accounts/passwords.js';
import type { TongkeDb } from '../db/store.js';
import {
  classrooms,
  courseReceivers,
  courseStudents,
  courses,
  educationGroups,
  regionTargets,
  regions,
  roleGrants,
  scheduledLessons,
  schools,
  studentProfiles,
  terms,
  timetableSlots,
  users,
} from '../db/schema/index.js';
import { expandTimetable } from '../teaching/schedule.js';
import { DEMO_COURSES, DEMO_GROUPS, DEMO_HOLIDAYS, DEMO_REGION, DEMO_TARGETS, DEMO_STAFF, DEMO_STUDENTS, PERIODS } from './demo-data.js';
import { DEMO_LOGINS, DEMO_PASSWORD, type DemoLogin } from './demo-logins.js';
import { seedDemoSatisfaction } from './demo-satisfaction.js';
import { seedDemoMaterials } from './demo-materials.js';
import { SeedWriter, type GrantScope } from './seed-writer.js';
import { writeDemoReviewChain } from './demo-review.js';
import { DemoRepository } from './demo-repository.js';
import { seedDemoHistory } from './demo-history.js';
import { seedDemoLinkHealth } from './demo-link-health.js';
import { seedDemoResearch } from './demo-research.js';
import { seedDemoResources } from './demo-resources.js';

/** The tables the demo county fills, in the order the summary lists them. */
const DEMO_TABLES: readonly SQLiteTable[] = [
  regions,
  regionTargets,
  educationGroups,
  schools,
  classrooms,
  users,
  roleGrants,
  studentProfiles,
  terms,
  courses,
  courseReceivers,
  courseStudents,
  timetableSlots,
  scheduledLessons,
];

export interface DemoSeedSummary {
  /** Rows this run created, by table (absent: none). */
  created: Record<string, number>;
  /** Rows in each demo table after the run. */
  totals: Record<string, number>;
  term: { name: string; startsOn: string; endsOn: string };
}

export interface DemoSeedOptions {
  /** argon2 hash of DEMO_PASSWORD, computed before the transaction (argon2 is slow; the transaction should not wait on it). */
  passwordHash: string;
  /** Shanghai calendar date the demo term must cover; default today. */
  today?: string;
}

/**
 * The school term that covers `today`: 第一学期 1 Sep → 22 Jan, 第二学期 22 Feb → 9 Jul. A demo has to show
 * lessons whenever it is started, so in the holidays the coming term is pulled forward to this week's Monday.
 */
export function demoTermFor(today: string): { name: string; startsOn: string; endsOn: string } {
  const year = Number(today.slice(0, 4));
  const monthDay = today.slice(5);
  const first = (y: number) => ({ name: `${y}-${y + 1}学年第一学期`, startsOn: `${y}-09-01`, endsOn: `${y + 1}-01-22` });
  const second = (y: number) => ({ name: `${y - 1}-${y}学年第二学期`, startsOn: `${y}-02-22`, endsOn: `${y}-07-09` });
  const term = monthDay >= '07-10' ? first(year) : monthDay > '01-22' ? second(year) : first(year - 1);
  const monday = addDays(today, 1 - isoWeekday(today));
  return today < term.startsOn ? { ...term, startsOn: monday } : term;
}

/**
 * Creates the demo county 青山县 — its routine-use targets, groups, schools, teaching points, classrooms, people, a term covering today,
 * courses with weekly timetables and their scheduled lessons — in one transaction. Idempotent: everything is
 * matched by natural key and nothing that exists is changed, so a second run creates nothing.
 */
export async function seedDemoCounty(db: TongkeDb, options: DemoSeedOptions): Promise<DemoSeedSummary> {
  const today = options.today ?? shanghaiDate(new Date());
  const { created, term } = await db.transaction(() => writeDemoCounty(db, options.passwordHash, today));
  // The satisfaction survey (社会认可度) of the term, with answers: the evaluation's satisfaction part has data from the start.
  await seedDemoSatisfaction(db, today);
  // Materials pushed with the music course's last and next lessons (专递课堂 资源推送), one of them already opened.
  await seedDemoMaterials(db);
  return { created, totals: await new DemoRepository(db).rowCounts(DEMO_TABLES), term };
}

/** Seeds the demo county, with this term's past lessons, when the database has no region at all (first start). Returns whether it did. */
export async function seedDemoIfEmpty(db: TongkeDb, logger: Logger): Promise<boolean> {
  if ((await new DemoRepository(db).regionCount()) > 0) return false;
  const summary = await seedDemoCounty(db, { passwordHash: await hashPassword(DEMO_PASSWORD) });
  const pastLessons = await seedDemoHistory(db);
  await seedDemoLinkHealth(db);
  await seedDemoResearch(db);
  logger.info({ created: summary.created, pastLessons, term: summary.term.name }, `seeded the demo county ${DEMO_REGION.name}; demo logins use the password "${DEMO_PASSWORD}"`);
  return true;
}

async function writeDemoCounty(db: TongkeDb, passwordHash: string, today: string): Promise<{ created: Record<string, number>; term: DemoSeedSummary['term'] }> {
  const write = new SeedWriter(db);
  const places = await writeOrganisation(write);
  places.regions = await writeDemoReviewChain(write, { id: places.regionId, name: DEMO_REGION.name });
  const people = await writePeople(write, places, passwordHash);
  const term = await writeTeaching(write, places, people, today);
  await seedDemoResources(db, places.regionId, term.name);
  return { created: write.created, term };
}

/** Ids of what the organisation step found or made, by name, for the people and courses. */
interface DemoPlaces {
  regionId: number;
  /** The county and the regions of the review chain above it, by name. */
  regions: Map<string, number>;
  groups: Map<string, number>;
  schools: Map<string, number>;
  /** By "<school> <classroom>". */
  classrooms: Map<string, number>;
  /** Each school's first receiving classroom, where it receives shared lessons, by school name. */
  receivingRooms: Map<string, number>;
  classSizes: Map<number, number>;
}

/** The county, its groups, schools and classrooms. */
async function writeOrganisation(write: SeedWriter): Promise<DemoPlaces> {
  const places: DemoPlaces = {
    regionId: await write.region(DEMO_REGION.code, DEMO_REGION.name),
    regions: new Map(),
    groups: new Map(),
    schools: new Map(),
    classrooms: new Map(),
    receivingRooms: new Map(),
    classSizes: new Map(),
  };
  await write.regionTargets(places.regionId, DEMO_TARGETS);
  for (const group of DEMO_GROUPS) {
    const groupId = await write.group(places.regionId, group.name);
    places.groups.set(group.name, groupId);
    for (const school of group.schools) {
      const schoolId = await write.school(places.regionId, groupId, school);
      places.schools.set(school.name, schoolId);
      for (const classroom of school.classrooms) {
        const classroomId = await write.classroom(schoolId, classroom);
        places.classrooms.set(`${school.name} ${classroom.name}`, classroomId);
        places.classSizes.set(classroomId, classroom.classSize);
        if (classroom.receiving && !places.receivingRooms.has(school.name)) places.receivingRooms.set(school.name, classroomId);
      }
    }
    await write.leadSchool(groupId, need(places.schools, group.lead, 'school'));
  }
  return places;
}

/** The featured demo logins, the other staff and the students, all with the demo password; user ids by username. */
async function writePeople(write: SeedWriter, places: DemoPlaces, passwordHash: string): Promise<Map<string, number>> {
  const scopeOf = (login: Pick<DemoLogin, 'role' | 'scope'>): GrantScope => {
    switch (ROLE_SCOPE_KIND[login.role]) {
      case 'system':
        return {};
      case 'region':
        return { regionId: places.regions.get(login.scope) ?? places.regionId };
      case 'group':
        return { groupId: need(places.groups, login.scope, 'group') };
      case 'school':
        return { schoolId: need(places.schools, login.scope, 'school') };
      case 'classroom':
        return { classroomId: need(places.classrooms, login.scope, 'classroom') };
    }
  };
  const userIds = new Map<string, number>();
  const account = async (username: string, displayName: string): Promise<number> => {
    const id = await write.user(username, displayName, passwordHash);
    userIds.set(username, id);
    return id;
  };
  for (const login of DEMO_LOGINS) await write.grant(await account(login.username, login.displayName), login.role, scopeOf(login));
  for (const staff of DEMO_STAFF) await write.grant(await account(staff.username, staff.displayName), staff.role, scopeOf({ role: staff.role, scope: staff.school }));
  for (const student of DEMO_STUDENTS) {
    const schoolId = need(places.schools, student.school, 'school');
    const userId = await account(student.username, student.displayName);
    await write.grant(userId, 'student', { schoolId });
    await write.studentProfile(userId, { schoolId, grade: student.grade, className: student.className, homeDelivery: student.homeDelivery });
  }
  return userIds;
}

/** The term covering today, the courses with their receivers and home-delivered students, slots and lessons. */
async function writeTeaching(write: SeedWriter, places: DemoPlaces, userIds: Map<string, number>, today: string): Promise<DemoSeedSummary['term']> {
  const assistants = new Map<string, number>();
  for (const school of DEMO_GROUPS.flatMap((g) => g.schools)) {
    if (school.assistant) assistants.set(school.name, need(userIds, school.assistant, 'user'));
  }
  const termSpec = demoTermFor(today);
  const term = await write.term(places.regionId, termSpec);
  const holidays = new Set(DEMO_HOLIDAYS);
  for (const course of DEMO_COURSES) {
    const courseId = await write.course({
      termId: term.id,
      schoolId: need(places.schools, course.school, 'school'),
      name: course.name,
      subject: course.subject,
      grade: course.grade,
      kind: course.kind,
      leadTeacherId: need(userIds, course.leadTeacher, 'user'),
      hostClassroomId: need(places.classrooms, `${course.school} ${course.hostClassroom}`, 'classroom'),
    });
    for (const school of course.receivers) {
      const classroomId = need(places.receivingRooms, school, 'receiving classroom');
      await write.receiver(courseId, classroomId, assistants.get(school) ?? null, places.classSizes.get(classroomId) ?? 0);
    }
    // Home-delivered students (送教上门) follow the delivered courses of their school and grade from home.
    if (course.kind === 'delivered') {
      for (const student of DEMO_STUDENTS) {
        if (student.homeDelivery && student.grade === course.grade && course.receivers.includes(student.school)) {
          await write.courseStudent(courseId, need(userIds, student.username, 'user'));
        }
      }
    }
    const slots = [];
    for (const [weekday, period] of course.slots) {
      const times = PERIODS[period];
      if (!times) throw new Error(`demo course ${course.name} uses an unknown period ${period}`);
      slots.push(await write.slot(courseId, weekday, period, times[0], times[1]));
    }
    await write.lessons(courseId, expandTimetable(slots, term), (lesson) => holidays.has(shanghaiDate(lesson.startsAt)));
  }
  return { name: termSpec.name, startsOn: term.startsOn, endsOn: term.endsOn };
}

/** A name the demo data refers to must exist: a typo in the data is a bug, not a silent gap. */
function need<K, V>(map: ReadonlyMap<K, V>, key: K, what: string): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`demo data refers to an unknown ${what}: ${String(key)}`);
  return value;
}
