import type { MaterialFigures } from '../../../shared/api/materials.js';
import type { LessonReport, LessonReportList, LessonReportListQuery, ReportScope } from '../../../shared/api/evidence-lesson.js';
import { addDays, shanghaiDate, shanghaiInstant } from '../../../shared/time.js';
import type { Access } from '../../core/access.js';
import { invalidField, isCalendarDate } from '../../core/constraints.js';
import { forbidden, notFound } from '../../core/errors.js';
import type { Places } from '../../organisation/places.js';
import type { CourseFacts } from '../../policy/policy.js';
import { buildLessonReport, lessonFacts } from './build-report.js';
import type { LessonReportRepository } from './repository.js';

/** Days a list covers when the caller names none, and the most it may cover. */
export const DEFAULT_LIST_DAYS = 30;
export const MAX_LIST_DAYS = 366;
/** Lessons a list returns at most (newest first). */
export const MAX_LIST_LESSONS = 500;

/**
 * Per-lesson reports through the policy: `reports.read` on the course gives the whole lesson (lead
 * teacher, admins over the host or a receiver); `reports.read_own` gives a site that took part only its
 * own figures.
 */
export class LessonReportService {
  constructor(
    private readonly repo: LessonReportRepository,
    private readonly places: Places,
    private readonly deliveredMinMinutes: number,
    /** The scheduled lesson's materials with their evidence (server/materials), for the report's 课件与资料 block. */
    private readonly materials?: { figures(scheduledLessonId: number, now?: Date): Promise<MaterialFigures[]> },
  ) {}

  async report(lessonSessionId: number, access: Access, now = new Date()): Promise<LessonReport> {
    const session = await this.repo.session(lessonSessionId);
    if (!session) throw notFound();
    const scope = scopeOf(access, await this.places.course(session.courseId));
    if (!scope) throw forbidden();
    const evidence = await this.repo.evidence(lessonSessionId);
    const ids = (values: Array<number | null>) => [...new Set(values.filter((v): v is number => v !== null))];
    const names = await this.repo.names({
      userIds: ids([...evidence.attendance.map((a) => a.userId), ...evidence.participation.map((p) => p.userId)]),
      classroomIds: ids(evidence.attendance.map((a) => a.classroomId)),
      schoolIds: ids(evidence.attendance.map((a) => a.schoolId)),
    });
    const report = buildLessonReport(
      { session, evidence, receivers: await this.repo.receivers(session.courseId), names },
      { now, deliveredMinMinutes: this.deliveredMinMinutes, scope, viewerUserId: access.principal.userId },
    );
    // Other sites' openings are not a site's own figures: the block is for full reports.
    if (this.materials && scope === 'full' && session.scheduledLessonId != null) report.materials = await this.materials.figures(session.scheduledLessonId, now);
    return report;
  }

  async list(query: LessonReportListQuery, access: Access, now = new Date()): Promise<LessonReportList> {
    const to = query.to ?? shanghaiDate(now);
    const from = query.from ?? addDays(to, -DEFAULT_LIST_DAYS);
    if (!isCalendarDate(from)) throw invalidField('/from', 'is not a calendar date');
    if (!isCalendarDate(to)) throw invalidField('/to', 'is not a calendar date');
    if (from > to) throw invalidField('/to', 'must not be before from');
    if (addDays(from, MAX_LIST_DAYS) <= to) throw invalidField('/to', `at most ${MAX_LIST_DAYS} days after from`);

    const candidates = await this.repo.sessionIdsBetween(shanghaiInstant(from), shanghaiInstant(addDays(to, 1)), query);
    const facts = new Map((await this.places.courses([...new Set(candidates.map((c) => c.courseId))])).map((c) => [c.id, c]));
    const scopes = new Map<number, ReportScope>();
    for (const [courseId, course] of facts) {
      const scope = scopeOf(access, course);
      if (scope) scopes.set(courseId, scope);
    }
    // A site that may see only its own figures lists only the lessons it was in.
    const ownOnly = candidates.filter((c) => scopes.get(c.courseId) === 'own').map((c) => c.id);
    const attended = ownOnly.length > 0 ? await this.repo.sessionsAttendedBy(access.principal.userId, ownOnly) : new Set<number>();
    const visible = candidates.filter((c) => scopes.get(c.courseId) === 'full' || attended.has(c.id));
    const shown = visible.slice(0, MAX_LIST_LESSONS);

    const ids = shown.map((s) => s.id);
    const sessions = new Map((await this.repo.sessions(ids)).map((s) => [s.id, s]));
    const presence = await this.repo.presence(ids);
    const receivers = await this.repo.receiverCounts([...new Set(shown.map((s) => s.courseId))]);
    const lessons = shown.flatMap(({ id, courseId }) => {
      const session = sessions.get(id);
      if (!session) return [];
      return [
        {
          ...lessonFacts(session, now, this.deliveredMinMinutes),
          sitesPresent: presence.get(id)?.sites ?? 0,
          receivingClassroomsPresent: presence.get(id)?.receivingClassrooms ?? 0,
          receivingClassroomsExpected: receivers.get(courseId) ?? 0,
          scope: scopes.get(courseId) ?? 'own',
        },
      ];
    });
    return { from, to, lessons, truncated: visible.length > shown.length };
  }
}

function scopeOf(access: Access, course: CourseFacts): ReportScope | null {
  const target = { kind: 'course', course } as const;
  if (access.can('reports.read', target)) return 'full';
  if (access.can('reports.read_own', target)) return 'own';
  return null;
}
