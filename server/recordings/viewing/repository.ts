import { and, asc, eq, lt, sql } from 'drizzle-orm';
import { changedRows, type TongkeDb } from '../../db/store.js';
import { classrooms, recordingViewDays, recordingViewings, recordings, roleGrants, schools, studentProfiles, educationGroups } from '../../db/schema/index.js';
import type { RecordingStatus, ViewingDevice } from '../../../shared/api/recordings.js';
import { mondayOf } from '../../../shared/time.js';
import type { DayShare, MediaRange } from './ranges.js';

/** Where a viewer belongs when she starts watching: kept on the viewing, as live evidence keeps a site's place. */
export interface ViewerPlace {
  regionId: number | null;
  groupId: number | null;
  schoolId: number | null;
  classroomId: number | null;
  /** A 送教上门 student: her replays count toward her home-delivery record. */
  homeDelivery: boolean;
}

/** What starting and reporting a viewing needs to know about its recording. */
export interface RecordingFacts {
  id: number;
  courseId: number;
  status: RecordingStatus;
  durationMs: number | null;
}

export type ViewingRow = typeof recordingViewings.$inferSelect;

/** Viewing sessions (recording_viewings) and their day roll-up (recording_view_days). */
export class ViewingRepository {
  constructor(private readonly db: TongkeDb) {}

  async recording(id: number): Promise<RecordingFacts | undefined> {
    const [row] = await this.db
      .select({
        id: recordings.id,
        courseId: recordings.courseId,
        status: recordings.status,
        durationMs: recordings.durationMs,
      })
      .from(recordings)
      .where(eq(recordings.id, id))
      .limit(1);
    return row;
  }

  /**
   * The viewer's place: a student's school (from her profile), a classroom device's classroom, otherwise the
   * first school-, group- or region-scoped grant (a teacher's school, an admin's unit).
   */
  async viewerPlace(userId: number): Promise<ViewerPlace> {
    const [profile] = await this.db
      .select({ schoolId: schools.id, regionId: schools.regionId, groupId: schools.groupId, homeDelivery: studentProfiles.homeDelivery })
      .from(studentProfiles)
      .innerJoin(schools, eq(schools.id, studentProfiles.schoolId))
      .where(eq(studentProfiles.userId, userId))
      .limit(1);
    if (profile) return { regionId: profile.regionId, groupId: profile.groupId, schoolId: profile.schoolId, classroomId: null, homeDelivery: profile.homeDelivery };
    const grants = await this.db
      .select({
        classroomId: roleGrants.classroomId,
        classroomSchoolId: classrooms.schoolId,
        schoolId: roleGrants.schoolId,
        groupId: roleGrants.groupId,
        regionId: roleGrants.regionId,
        groupRegionId: educationGroups.regionId,
      })
      .from(roleGrants)
      .leftJoin(classrooms, eq(classrooms.id, roleGrants.classroomId))
      .leftJoin(educationGroups, eq(educationGroups.id, roleGrants.groupId))
      .where(eq(roleGrants.userId, userId))
      .orderBy(asc(roleGrants.id));
    const schoolPlace = async (schoolId: number, classroomId: number | null): Promise<ViewerPlace | undefined> => {
      const [school] = await this.db.select({ regionId: schools.regionId, groupId: schools.groupId }).from(schools).where(eq(schools.id, schoolId)).limit(1);
      return school ? { regionId: school.regionId, groupId: school.groupId, schoolId, classroomId, homeDelivery: false } : undefined;
    };
    const device = grants.find((g) => g.classroomId !== null && g.classroomSchoolId !== null);
    if (device) return (await schoolPlace(device.classroomSchoolId!, device.classroomId)) ?? NOWHERE;
    const school = grants.find((g) => g.schoolId !== null);
    if (school) return (await schoolPlace(school.schoolId!, null)) ?? NOWHERE;
    const group = grants.find((g) => g.groupId !== null);
    if (group) return { ...NOWHERE, groupId: group.groupId, regionId: group.groupRegionId };
    const region = grants.find((g) => g.regionId !== null);
    return region ? { ...NOWHERE, regionId: region.regionId } : NOWHERE;
  }

  async viewing(id: number): Promise<ViewingRow | undefined> {
    const [row] = await this.db.select().from(recordingViewings).where(eq(recordingViewings.id, id)).limit(1);
    return row;
  }

  /** Inserts the viewing and counts one view on its day's roll-up row, in one transaction. */
  async start(values: { recordingId: number; userId: number; device: ViewingDevice; place: ViewerPlace; at: Date; day: string }): Promise<number> {
    return this.db.transaction(async () => {
      const [row] = await this.db
        .insert(recordingViewings)
        .values({ recordingId: values.recordingId, userId: values.userId, device: values.device, ...values.place, startedAt: values.at, lastReportAt: values.at, watched: [], watchedSeconds: 0 })
        .returning({ id: recordingViewings.id });
      await this.#addToDay({ day: values.day, recordingId: values.recordingId, userId: values.userId, place: values.place, views: 1, seconds: 0 });
      return row!.id;
    });
  }

  /**
   * Keeps the new union and adds the newly watched seconds to the day rows, in one transaction. The update
   * only applies while the viewing's last report is still `previousReportAt`: a report that raced another
   * (two tabs, a retried keepalive) changes nothing and says so (false).
   */
  async saveProgress(viewing: ViewingRow, watched: MediaRange[], watchedSeconds: number, at: Date, shares: readonly DayShare[]): Promise<boolean> {
    return this.db.transaction(async () => {
      const updated = await this.db
        .update(recordingViewings)
        .set({ watched, watchedSeconds, lastReportAt: at })
        .where(and(eq(recordingViewings.id, viewing.id), eq(recordingViewings.lastReportAt, viewing.lastReportAt)));
      if (changedRows(updated) === 0) return false;
      const place: ViewerPlace = { regionId: viewing.regionId, groupId: viewing.groupId, schoolId: viewing.schoolId, classroomId: viewing.classroomId, homeDelivery: viewing.homeDelivery };
      for (const share of shares) await this.#addToDay({ day: share.day, recordingId: viewing.recordingId, userId: viewing.userId, place, views: 0, seconds: share.seconds });
      return true;
    });
  }

  /** Deletes raw viewings last reported before the cutoff (evidence retention); their day roll-ups stay. */
  async purgeReportedBefore(cutoff: Date): Promise<number> {
    return changedRows(await this.db.delete(recordingViewings).where(lt(recordingViewings.lastReportAt, cutoff)));
  }

  /** Adds to the (day, recording, viewer) row, making it when it is the first of that day. */
  async #addToDay(add: { day: string; recordingId: number; userId: number; place: ViewerPlace; views: number; seconds: number }): Promise<void> {
    await this.db
      .insert(recordingViewDays)
      .values({ day: add.day, week: mondayOf(add.day), recordingId: add.recordingId, userId: add.userId, ...add.place, views: add.views, watchedSeconds: add.seconds })
      .onConflictDoUpdate({
        target: [recordingViewDays.day, recordingViewDays.recordingId, recordingViewDays.userId],
        set: { views: sql`${recordingViewDays.views} + ${add.views}`, watchedSeconds: sql`${recordingViewDays.watchedSeconds} + ${add.seconds}` },
      });
  }
}

const NOWHERE: ViewerPlace = { regionId: null, groupId: null, schoolId: null, classroomId: null, homeDelivery: false };
