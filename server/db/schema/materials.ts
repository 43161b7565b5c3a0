import { table, id, int, instant, text, index, NOW_MS } from './columns.js';
import { classrooms, regions, schools } from './organisation.js';
import { users } from './people.js';
import { courses, scheduledLessons } from './teaching.js';
import { courseware } from './courseware.js';
import { MATERIAL_KINDS, MATERIAL_SHOWN } from '../../../shared/api/materials.js';

/**
 * A material a scheduled lesson carries (专递课堂 资源推送): a document of the course's courseware or a link,
 * shown to the course's receiving sites in a window around the lesson. The course is kept beside the lesson
 * so that reports by course need no join. A material a site has opened is evidence: removing it only sets
 * `removed_at` (the sites no longer see it; the reports still count it), and a re-planned timetable keeps the
 * lessons that carry materials.
 */
export const lessonMaterials = table(
  'lesson_materials',
  {
    id: id(),
    scheduledLessonId: int('scheduled_lesson_id').notNull().references(() => scheduledLessons.id, { onDelete: 'cascade' }),
    courseId: int('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: MATERIAL_KINDS }).notNull(),
    coursewareId: int('courseware_id').references(() => courseware.id),
    /** The link's title; a document shows its courseware's title. */
    title: text('title'),
    url: text('url'),
    note: text('note').notNull().default(''),
    shown: text('shown', { enum: MATERIAL_SHOWN }).notNull(),
    beforeHours: int('before_hours').notNull(),
    position: int('position').notNull(),
    createdBy: int('created_by').notNull().references(() => users.id),
    createdAt: instant('created_at').notNull().default(NOW_MS),
    removedAt: instant('removed_at'),
  },
  (t) => [index('lesson_materials_lesson_idx').on(t.scheduledLessonId, t.position), index('lesson_materials_course_idx').on(t.courseId)],
);

export const MATERIAL_SITE_KINDS = ['receiving_classroom', 'student'] as const;

/**
 * One opening of a material by a receiving site (evidence): a receiving classroom (its device or its
 * assistant teacher) or an enrolled student. Every opening is a row; the first per site is what counts as
 * "opened", the rest are its count.
 */
export const materialOpenings = table(
  'material_openings',
  {
    id: id(),
    materialId: int('material_id').notNull().references(() => lessonMaterials.id, { onDelete: 'cascade' }),
    scheduledLessonId: int('scheduled_lesson_id').notNull().references(() => scheduledLessons.id, { onDelete: 'cascade' }),
    userId: int('user_id').notNull().references(() => users.id),
    siteKind: text('site_kind', { enum: MATERIAL_SITE_KINDS }).notNull(),
    /** The receiving classroom (null for a student). */
    classroomId: int('classroom_id').references(() => classrooms.id),
    schoolId: int('school_id').references(() => schools.id),
    regionId: int('region_id').references(() => regions.id),
    openedAt: instant('opened_at').notNull().default(NOW_MS),
  },
  (t) => [index('material_openings_material_idx').on(t.materialId), index('material_openings_classroom_idx').on(t.classroomId, t.openedAt)],
);
