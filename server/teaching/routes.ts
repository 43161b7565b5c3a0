import { Type } from 'typebox';
import { ERROR_RESPONSES, IdParams } from '../../shared/api/common.js';
import {
  AdHocLesson,
  AdHocLessonCreate,
  CalendarDay,
  CalendarDayCreate,
  CalendarDays,
  Course,
  CourseCreate,
  CourseListQuery,
  CourseUpdate,
  LessonCancel,
  LessonMove,
  MyLessons,
  MyLessonsQuery,
  Term,
  TermCreate,
  TermListQuery,
  TermUpdate,
  Timetable,
  TimetableBody,
} from '../../shared/api/teaching.js';
import type { TongkeApp } from '../core/app-types.js';
import { accessFor, requireSignIn } from '../core/access.js';
import { TeachingService } from './service.js';
import { TeachingRepository } from './repository.js';

const tags = ['teaching'];

/**
 * Terms (`term.read` / `term.manage` on the region), shared courses (`course.read`, `course.create` on the
 * host school, `course.manage`), their weekly timetables, and the signed-in user's own lessons.
 */
export default async function teachingRoutes(app: TongkeApp) {
  const { db, places } = app.tongke;
  const service = new TeachingService(new TeachingRepository(db), places);
  const changes = service.changes;
  requireSignIn(app);

  // ---- Terms ----
  app.get('/api/terms', { schema: { tags, querystring: TermListQuery, response: { 200: Type.Array(Term), ...ERROR_RESPONSES } } }, async (request) => {
    app.authorize(request, 'org.browse', { kind: 'system' });
    return service.listTerms(request.query, accessFor(app, request));
  });

  app.post('/api/terms', { schema: { tags, body: TermCreate, response: { 201: Term, ...ERROR_RESPONSES } } }, async (request, reply) =>
    reply.code(201).send(await service.createTerm(request.body, accessFor(app, request))),
  );

  app.patch('/api/terms/:id', { schema: { tags, params: IdParams, body: TermUpdate, response: { 200: Term, ...ERROR_RESPONSES } } }, async (request) => {
    app.authorize(request, 'term.manage', await service.termTarget(request.params.id));
    return service.updateTerm(request.params.id, request.body);
  });

  // ---- Courses ----
  app.get('/api/courses', { schema: { tags, querystring: CourseListQuery, response: { 200: Type.Array(Course), ...ERROR_RESPONSES } } }, async (request) =>
    service.listCourses(request.query, accessFor(app, request)),
  );

  app.get('/api/courses/:id', { schema: { tags, params: IdParams, response: { 200: Course, ...ERROR_RESPONSES } } }, async (request) => {
    app.authorize(request, 'course.read', { kind: 'course', course: await places.course(request.params.id) });
    return service.getCourse(request.params.id);
  });

  app.post('/api/courses', { schema: { tags, body: CourseCreate, response: { 201: Course, ...ERROR_RESPONSES } } }, async (request, reply) =>
    reply.code(201).send(await service.createCourse(request.body, accessFor(app, request))),
  );

  app.patch('/api/courses/:id', { schema: { tags, params: IdParams, body: CourseUpdate, response: { 200: Course, ...ERROR_RESPONSES } } }, async (request) => {
    app.authorize(request, 'course.manage', { kind: 'course', course: await places.course(request.params.id) });
    return service.updateCourse(request.params.id, request.body, accessFor(app, request));
  });

  // ---- Timetable ----
  app.get('/api/courses/:id/timetable', { schema: { tags, params: IdParams, response: { 200: Timetable, ...ERROR_RESPONSES } } }, async (request) => {
    app.authorize(request, 'course.read', { kind: 'course', course: await places.course(request.params.id) });
    return service.planner.timetable(request.params.id);
  });

  app.put(
    '/api/courses/:id/timetable',
    { schema: { tags, params: IdParams, body: TimetableBody, response: { 200: Timetable, ...ERROR_RESPONSES } } },
    async (request) => {
      app.authorize(request, 'course.manage', { kind: 'course', course: await places.course(request.params.id) });
      return service.planner.replaceTimetable(request.params.id, request.body.slots);
    },
  );

  // ---- Changing one lesson (调课, 停课, 临时上课): the lead teacher, or admins over the host school ----
  const lessonCourse = async (scheduledLessonId: number) => ({ kind: 'course' as const, course: await places.course(await changes.courseOf(scheduledLessonId)) });
  app.post(
    '/api/scheduled-lessons/:id/move',
    { schema: { tags, params: IdParams, body: LessonMove, response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      app.authorize(request, 'course.reschedule', await lessonCourse(request.params.id));
      await changes.move(request.params.id, request.body);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/scheduled-lessons/:id/cancel',
    { schema: { tags, params: IdParams, body: LessonCancel, response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      app.authorize(request, 'course.reschedule', await lessonCourse(request.params.id));
      await changes.cancel(request.params.id, request.body);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/courses/:id/ad-hoc-lessons',
    { schema: { tags, params: IdParams, body: AdHocLessonCreate, response: { 200: AdHocLesson, ...ERROR_RESPONSES } } },
    async (request) => {
      app.authorize(request, 'course.reschedule', { kind: 'course', course: await places.course(request.params.id) });
      return changes.addAdHoc(request.params.id, request.body);
    },
  );

  // ---- The region's school calendar (节假日, 调休补课日): read with the terms, managed by the region ----
  app.get('/api/regions/:id/calendar-days', { schema: { tags, params: IdParams, response: { 200: CalendarDays, ...ERROR_RESPONSES } } }, async (request) => {
    app.authorize(request, 'term.read', await places.regionTarget(request.params.id));
    return { days: await changes.calendar(request.params.id) };
  });

  app.post(
    '/api/regions/:id/calendar-days',
    { schema: { tags, params: IdParams, body: CalendarDayCreate, response: { 201: CalendarDay, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      app.authorize(request, 'term.manage', { kind: 'region', place: await places.region(request.params.id) });
      return reply.code(201).send(await changes.addCalendarDay(request.params.id, request.body));
    },
  );

  app.delete('/api/calendar-days/:id', { schema: { tags, params: IdParams, response: { 204: Type.Null(), ...ERROR_RESPONSES } } }, async (request, reply) => {
    app.authorize(request, 'term.manage', { kind: 'region', place: await places.region(await changes.regionOfCalendarDay(request.params.id)) });
    await changes.deleteCalendarDay(request.params.id);
    return reply.code(204).send(null);
  });

  // ---- My lessons ----
  app.get('/api/me/lessons', { schema: { tags, querystring: MyLessonsQuery, response: { 200: MyLessons, ...ERROR_RESPONSES } } }, async (request) =>
    service.planner.myLessons(request.query, accessFor(app, request)),
  );
}
