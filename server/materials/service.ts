import { coursewareDocumentUrl } from '../../shared/api/courseware.js';
import {
  DEFAULT_BEFORE_HOURS,
  MAX_MATERIALS_PER_LESSON,
  MY_MATERIALS_DAYS,
  type CopiedMaterials,
  type LessonMaterials,
  type MaterialCreate,
  type MaterialFigures,
  type MaterialOpened,
  type MaterialsUsage,
  type MaterialView,
  type MyMaterials,
} from '../../shared/api/materials.js';
import type { Access } from '../core/access.js';
import { invalidField } from '../core/constraints.js';
import { forbidden, notFound } from '../core/errors.js';
import type { Places } from '../organisation/places.js';
import type { CourseFacts } from '../policy/policy.js';
import type { LessonPlanner } from '../teaching/lessons.js';
import type { MaterialsRepository, MaterialWithLesson } from './repository.js';
import { siteOf } from './sites.js';
import { visibilityWindow, visibleAt } from './visibility.js';

const DAY_MS = 86_400_000;
/** A second click (or a reload) this soon after an opening is the same opening: it is not counted again. */
export const REOPEN_COUNTS_AFTER_MS = 30_000;

/**
 * Materials a scheduled lesson carries (专递课堂 资源推送): the lead teacher attaches, orders and removes them;
 * the course's receiving sites see them in their window and open them, each opening kept as evidence; the
 * lesson report and the usage report count them delivered and opened.
 */
export class MaterialsService {
  constructor(
    private readonly repo: MaterialsRepository,
    private readonly places: Places,
    private readonly planner: LessonPlanner,
  ) {}

  /** The course a scheduled lesson belongs to, as a policy target (not_found when there is no such lesson). */
  async lessonCourse(lessonId: number): Promise<CourseFacts> {
    const lesson = await this.repo.lesson(lessonId);
    if (!lesson) throw notFound();
    return this.places.course(lesson.courseId);
  }

  async materialCourse(materialId: number): Promise<CourseFacts> {
    const material = await this.repo.material(materialId);
    if (!material) throw notFound();
    return this.places.course(material.courseId);
  }

  /** Everything the lesson carries, with who received and opened each (the lead teacher's view). */
  async list(lessonId: number, now = new Date()): Promise<LessonMaterials> {
    return { scheduledLessonId: lessonId, items: await this.figures(lessonId, now, { withRemoved: false }) };
  }

  /**
   * Each material of the lesson: delivered to the course's sites once its window opened, and who opened it.
   * The lesson report (the default) also counts materials removed after sites opened them: they were delivered.
   */
  async figures(lessonId: number, now = new Date(), { withRemoved = true } = {}): Promise<MaterialFigures[]> {
    const materials = await this.repo.materialsOf([lessonId], { withRemoved });
    if (materials.length === 0) return [];
    const sites = await this.repo.sitesOf(materials[0]!.courseId);
    const openings = await this.repo.openingsOf(materials.map((m) => m.id));
    return materials.map((m) => {
      const window = visibilityWindow(m, m);
      const delivered = m.lessonStatus !== 'cancelled' && window.from <= now;
      const rows = sites.map((site) => {
        const mine = openings.filter((o) => o.materialId === m.id && o.siteKind === site.siteKind && (site.siteKind === 'student' ? o.userId === site.siteId : o.classroomId === site.siteId));
        const first = mine.reduce<Date | null>((earliest, o) => (o.first && (!earliest || o.first < earliest) ? o.first : earliest), null);
        return { ...site, firstOpenedAt: first?.toISOString() ?? null, openings: mine.reduce((sum, o) => sum + Number(o.openings), 0) };
      });
      return { material: view(m), delivered: delivered ? sites.length : 0, opened: rows.filter((r) => r.openings > 0).length, sites: rows };
    });
  }

  /** Attaches a document of the lesson's own course, or a link, at the end of the lesson's list. */
  async attach(lessonId: number, body: MaterialCreate, userId: number): Promise<MaterialView> {
    const lesson = await this.repo.lesson(lessonId);
    if (!lesson) throw notFound();
    if (lesson.status === 'cancelled') throw invalidField('/', 'the lesson is cancelled');
    let title: string | null = null;
    let url: string | null = null;
    let coursewareId: number | null = null;
    if (body.kind === 'document') {
      const doc = await this.repo.courseware(body.coursewareId);
      // Another course's document is refused like a missing one: the teacher cannot push what her course does not own.
      if (!doc || doc.courseId !== lesson.courseId || doc.removedAt !== null) throw invalidField('/coursewareId', 'is not a document of this course');
      if (doc.status !== 'ready') throw invalidField('/coursewareId', 'is not ready yet');
      coursewareId = doc.id;
    } else {
      title = body.title.trim();
      url = body.url;
    }
    const id = await this.repo.transaction(async () => {
      const { count, lastPosition } = await this.repo.countOf(lessonId);
      if (count >= MAX_MATERIALS_PER_LESSON) throw invalidField('/', `at most ${MAX_MATERIALS_PER_LESSON} materials per lesson`);
      return this.repo.insert({
        scheduledLessonId: lessonId,
        courseId: lesson.courseId,
        kind: body.kind,
        coursewareId,
        title,
        url,
        note: body.note?.trim() ?? '',
        shown: body.shown,
        beforeHours: body.beforeHours ?? DEFAULT_BEFORE_HOURS,
        position: lastPosition + 1,
        createdBy: userId,
      });
    });
    return view((await this.repo.material(id))!);
  }

  /** Puts the lesson's materials in the order given: every one of them, each once. */
  async reorder(lessonId: number, ids: readonly number[]): Promise<LessonMaterials> {
    const current = (await this.repo.materialsOf([lessonId])).map((m) => m.id);
    if (ids.length !== current.length || current.some((id) => !ids.includes(id))) throw invalidField('/ids', 'must list every material of the lesson once');
    await this.repo.transaction(async () => {
      for (const [i, id] of ids.entries()) await this.repo.setPosition(id, i + 1);
    });
    return this.list(lessonId);
  }

  async remove(materialId: number, now = new Date()): Promise<void> {
    await this.repo.remove(materialId, now);
  }

  /** Copies the lesson's materials (same notes and timing) to the course's next lesson, after what it has. */
  async copyToNext(lessonId: number, userId: number): Promise<CopiedMaterials> {
    const lesson = await this.repo.lesson(lessonId);
    if (!lesson) throw notFound();
    const nextId = await this.repo.nextLesson(lesson.courseId, lesson.startsAt);
    if (nextId === null) throw invalidField('/', 'the course has no later lesson');
    const materials = (await this.repo.materialsOf([lessonId])).filter((m) => m.kind === 'link' || m.coursewareId !== null);
    await this.repo.transaction(async () => {
      const { count, lastPosition } = await this.repo.countOf(nextId);
      if (count + materials.length > MAX_MATERIALS_PER_LESSON) throw invalidField('/', `at most ${MAX_MATERIALS_PER_LESSON} materials per lesson`);
      for (const [i, m] of materials.entries()) {
        const { kind, coursewareId, title, url, note, shown, beforeHours } = m;
        await this.repo.insert({ scheduledLessonId: nextId, courseId: lesson.courseId, kind, coursewareId, title, url, note, shown, beforeHours, position: lastPosition + i + 1, createdBy: userId });
      }
    });
    return { scheduledLessonId: nextId, copied: materials.length };
  }

  /**
   * The caller's lessons of the last and next 7 days (as a receiving classroom, its assistant, or an enrolled
   * student) with the materials she may open now: the window is the server's to decide, not the page's.
   */
  async mine(access: Access, now = new Date()): Promise<MyMaterials> {
    const from = new Date(now.getTime() - MY_MATERIALS_DAYS * DAY_MS);
    const to = new Date(now.getTime() + MY_MATERIALS_DAYS * DAY_MS);
    const { lessons } = await this.planner.myLessons({ from: from.toISOString(), to: to.toISOString() }, access);
    const received = lessons.filter((l) => l.myPart !== 'lead_teacher' && l.status !== 'cancelled');
    const materials = await this.repo.materialsOf(received.map((l) => l.id));
    return {
      lessons: received.flatMap((lesson) => {
        const items = materials.filter((m) => m.scheduledLessonId === lesson.id && shownToSites(m) && visibleAt(m, m, now)).map(view);
        if (items.length === 0) return [];
        return [{ scheduledLessonId: lesson.id, courseId: lesson.courseId, courseName: lesson.courseName, startsAt: lesson.startsAt, endsAt: lesson.endsAt, items }];
      }),
    };
  }

  /**
   * Records that a receiving site opened the material (a POST: a link prefetched or crawled never counts) and
   * answers where to go. The lead teacher and the course's admins may open it any time, unrecorded; a site
   * only in its window (otherwise it does not exist for her: 404).
   */
  async open(materialId: number, access: Access, now = new Date()): Promise<MaterialOpened> {
    const material = await this.repo.material(materialId);
    if (!material) throw notFound();
    const course = await this.places.course(material.courseId);
    const target = { kind: 'course', course } as const;
    if (!access.can('course.read', target)) throw forbidden();
    const href = material.kind === 'document' ? coursewareDocumentUrl(material.coursewareId!) : material.url!;
    const site = siteOf(access.principal, course);
    if (!site || access.can('course.teach', target)) return { href, recorded: false };
    if (!shownToSites(material) || !visibleAt(material, material, now)) throw notFound();
    if (await this.repo.openedSince(materialId, access.principal.userId, new Date(now.getTime() - REOPEN_COUNTS_AFTER_MS))) return { href, recorded: false };
    const place = site.classroomId !== null ? await this.repo.classroomPlace(site.classroomId) : await this.repo.studentPlace(access.principal.userId);
    await this.repo.recordOpening({
      materialId,
      scheduledLessonId: material.scheduledLessonId,
      userId: access.principal.userId,
      siteKind: site.siteKind,
      classroomId: site.classroomId,
      schoolId: place?.schoolId ?? null,
      regionId: place?.regionId ?? null,
      openedAt: now,
    });
    return { href, recorded: true };
  }

  /**
   * A usage report's materials per receiving classroom: those of the period's lessons (by start) whose window
   * has opened by now, and how many of them the classroom opened. A teacher's report (`courseIds`) counts her courses' only.
   */
  async usage(classroomIds: readonly number[], from: Date, to: Date, now = new Date(), courseIds: readonly number[] | null = null): Promise<MaterialsUsage> {
    const { delivered, opened } = await this.repo.deliveredTo(classroomIds, from, to, courseIds);
    const names = new Map((await this.repo.classroomNames(classroomIds)).map((c) => [c.id, c]));
    const openedSet = new Set(opened.map((o) => `${o.classroomId}:${o.materialId}`));
    const rate = (o: number, d: number) => (d === 0 ? null : o / d);
    const rows = classroomIds.flatMap((classroomId) => {
      const mine = delivered.filter((d) => d.classroomId === classroomId && visibilityWindow(d, d).from <= now);
      const materialIds = new Set(mine.map((d) => d.materialId));
      const openedCount = [...materialIds].filter((id) => openedSet.has(`${classroomId}:${id}`)).length;
      const name = names.get(classroomId);
      if (materialIds.size === 0 || !name) return [];
      return [{ classroomId, classroomName: name.name, schoolName: name.schoolName, delivered: materialIds.size, opened: openedCount, openedRate: rate(openedCount, materialIds.size) }];
    });
    rows.sort((a, b) => a.schoolName.localeCompare(b.schoolName, 'zh-CN') || a.classroomName.localeCompare(b.classroomName, 'zh-CN'));
    const total = rows.reduce((sum, r) => ({ delivered: sum.delivered + r.delivered, opened: sum.opened + r.opened }), { delivered: 0, opened: 0 });
    return { rows, ...total, openedRate: rate(total.opened, total.delivered) };
  }
}

/** A document whose courseware was removed is no longer pushed to sites (the teacher still sees it listed). */
function shownToSites(m: MaterialWithLesson): boolean {
  return m.lessonStatus !== 'cancelled' && (m.kind === 'link' || (m.coursewareId !== null && m.coursewareRemovedAt === null));
}

function view(m: MaterialWithLesson): MaterialView {
  const { from, until } = visibilityWindow(m, m);
  return {
    id: m.id,
    scheduledLessonId: m.scheduledLessonId,
    kind: m.kind,
    title: m.kind === 'document' ? (m.coursewareTitle ?? '') : (m.title ?? ''),
    coursewareId: m.coursewareId,
    note: m.note,
    shown: m.shown,
    beforeHours: m.beforeHours,
    position: m.position,
    visibleFrom: from.toISOString(),
    visibleUntil: until?.toISOString() ?? null,
  };
}
