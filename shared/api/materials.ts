import { Type, type Static } from 'typebox';
import { RowId } from './common.js';

/*
 * Materials pushed by the teaching plan (专递课堂 资源推送): a scheduled lesson carries documents of its
 * course's courseware and links (a recording elsewhere, a worksheet site), each shown to the receiving
 * classrooms and enrolled students of the course in a window around the lesson. Opening one is evidence.
 *
 * Routes (under /api):
 *   GET    /scheduled-lessons/:id/materials        the lesson's materials with who opened them (the lead teacher)
 *   POST   /scheduled-lessons/:id/materials        attach a document or a link (the lead teacher, `course.teach`)
 *   PUT    /scheduled-lessons/:id/materials/order  reorder: every material id of the lesson, in the new order
 *   POST   /scheduled-lessons/:id/materials/copy-to-next  copies them to the course's next scheduled lesson
 *   DELETE /materials/:id                          removes one (its openings go with it)
 *   GET    /me/materials                           the caller's recent and upcoming lessons with what she may see now
 *   POST   /materials/:id/open                     records the opening, answers where to go (POST: it writes;
 *                                                  the client then navigates, so a prefetch never counts)
 */

export const MATERIAL_KINDS = ['document', 'link'] as const;
export type MaterialKind = (typeof MATERIAL_KINDS)[number];

/** When a site sees it: `before` the lesson (from N hours before, until it ends), `after` (from its start on), or `both`. */
export const MATERIAL_SHOWN = ['before', 'after', 'both'] as const;
export type MaterialShown = (typeof MATERIAL_SHOWN)[number];

/** Hours before the lesson a `before`/`both` item appears when the teacher names none. */
export const DEFAULT_BEFORE_HOURS = 24;
/** At most a week ahead: the homes list the next 7 days. */
export const MAX_BEFORE_HOURS = 168;
/** Materials one lesson may carry. */
export const MAX_MATERIALS_PER_LESSON = 20;
/** Days back and ahead the homes list lessons with materials. */
export const MY_MATERIALS_DAYS = 7;

const Note = Type.String({ maxLength: 100 });
const Timing = {
  /** A short note the sites read with it, e.g. 课前预习, 课后练习. */
  note: Type.Optional(Note),
  shown: Type.Enum(MATERIAL_SHOWN),
  beforeHours: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_BEFORE_HOURS })),
};

/** POST /api/scheduled-lessons/:id/materials — a document of the lesson's own course, or a link. */
export const MaterialCreate = Type.Union([
  Type.Object({ kind: Type.Literal('document'), coursewareId: RowId, ...Timing }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('link'),
      title: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
      /** http(s) only: a site opens it in its browser. */
      url: Type.String({ minLength: 8, maxLength: 2000, pattern: '^https?://[^\\s]+$' }),
      ...Timing,
    },
    { additionalProperties: false },
  ),
]);
export type MaterialCreate = Static<typeof MaterialCreate>;

export const MaterialOrder = Type.Object({ ids: Type.Array(RowId, { maxItems: MAX_MATERIALS_PER_LESSON, uniqueItems: true }) }, { additionalProperties: false });
export type MaterialOrder = Static<typeof MaterialOrder>;

/** One material as a site sees it. */
export const MaterialView = Type.Object({
  id: Type.Integer(),
  scheduledLessonId: Type.Integer(),
  kind: Type.Enum(MATERIAL_KINDS),
  title: Type.String(),
  /** The courseware it shows (documents), null for a link. */
  coursewareId: Type.Union([Type.Integer(), Type.Null()]),
  note: Type.String(),
  shown: Type.Enum(MATERIAL_SHOWN),
  beforeHours: Type.Integer(),
  position: Type.Integer(),
  /** When sites start to see it, and stop (null: no end). */
  visibleFrom: Type.String({ format: 'date-time' }),
  visibleUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type MaterialView = Static<typeof MaterialView>;

/** Whether one receiving site opened one material: first opening and how many times. */
export const MaterialSiteOpening = Type.Object({
  siteKind: Type.Enum(['receiving_classroom', 'student']),
  /** The classroom, or the student's user id. */
  siteId: Type.Integer(),
  name: Type.String(),
  schoolName: Type.String(),
  firstOpenedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  openings: Type.Integer(),
});
export type MaterialSiteOpening = Static<typeof MaterialSiteOpening>;

/** A material with its evidence: delivered to N sites (once its window opened), opened by M. */
export const MaterialFigures = Type.Object({
  material: MaterialView,
  delivered: Type.Integer(),
  opened: Type.Integer(),
  sites: Type.Array(MaterialSiteOpening),
});
export type MaterialFigures = Static<typeof MaterialFigures>;

export const LessonMaterials = Type.Object({ scheduledLessonId: Type.Integer(), items: Type.Array(MaterialFigures) });
export type LessonMaterials = Static<typeof LessonMaterials>;

/** A lesson on a site's home with the materials it may open now. */
export const MyLessonMaterials = Type.Object({
  scheduledLessonId: Type.Integer(),
  courseId: Type.Integer(),
  courseName: Type.String(),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  items: Type.Array(MaterialView),
});
export type MyLessonMaterials = Static<typeof MyLessonMaterials>;
export const MyMaterials = Type.Object({ lessons: Type.Array(MyLessonMaterials) });
export type MyMaterials = Static<typeof MyMaterials>;

/** Where to go after an opening was recorded: the courseware document, or the link. */
export const MaterialOpened = Type.Object({ href: Type.String(), recorded: Type.Boolean() });
export type MaterialOpened = Static<typeof MaterialOpened>;

export const CopiedMaterials = Type.Object({ scheduledLessonId: Type.Integer(), copied: Type.Integer() });
export type CopiedMaterials = Static<typeof CopiedMaterials>;

/** Per receiving classroom over a usage report's period: materials delivered, opened, opened share. */
export const MaterialsUsageRow = Type.Object({
  classroomId: Type.Integer(),
  classroomName: Type.String(),
  schoolName: Type.String(),
  delivered: Type.Integer(),
  opened: Type.Integer(),
  /** opened / delivered, 0–1 (null when nothing was delivered). */
  openedRate: Type.Union([Type.Number(), Type.Null()]),
});
export type MaterialsUsageRow = Static<typeof MaterialsUsageRow>;
export const MaterialsUsage = Type.Object({ rows: Type.Array(MaterialsUsageRow), delivered: Type.Integer(), opened: Type.Integer(), openedRate: Type.Union([Type.Number(), Type.Null()]) });
export type MaterialsUsage = Static<typeof MaterialsUsage>;
