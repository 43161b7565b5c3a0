import type { TongkeDb } from '../db/store.js';
import { MaterialsRepository } from '../materials/repository.js';

/** 王老师's music course, received by 石桥村教学点 and 杨柳村教学点 (demo-data.ts). */
const COURSE = '三年级音乐（石桥·杨柳）';
const OPENED_BY = 'room.shiqiao';
const DAY_MS = 86_400_000;

/** What the teacher pushes with a lesson: a preview and a practice link (the national platform's resources). */
const LINKS = [
  { title: '《小雨沙沙》范唱', url: 'https://basic.smartedu.cn/syncClassroom', note: '课前预习', shown: 'before' as const },
  { title: '节奏练习（课后）', url: 'https://basic.smartedu.cn/', note: '课后练习', shown: 'after' as const },
];

/**
 * Materials of the demo's music course: the last lesson's (opened by 石桥村教学点, not by 杨柳村教学点, so the
 * figures show both) and the next one's. Only when the course's lessons carry none yet: safe to call again.
 * Returns whether it wrote anything.
 */
export async function seedDemoMaterials(db: TongkeDb, now = new Date()): Promise<boolean> {
  const repo = new MaterialsRepository(db);
  const course = await repo.courseLessons(COURSE, new Date(now.getTime() - 14 * DAY_MS), new Date(now.getTime() + 14 * DAY_MS));
  if (!course) return false;
  const last = course.lessons.filter((l) => l.startsAt < now).at(-1);
  const next = course.lessons.find((l) => l.startsAt >= now);
  const lessons = [last, next].filter((l) => l !== undefined);
  if (lessons.length === 0 || (await repo.materialsOf(lessons.map((l) => l.id))).length > 0) return false;
  const room = await repo.deviceClassroom(OPENED_BY);
  await repo.transaction(async () => {
    for (const lesson of lessons) {
      for (const [i, link] of LINKS.entries()) {
        const id = await repo.insert({ scheduledLessonId: lesson.id, courseId: course.id, kind: 'link', coursewareId: null, ...link, beforeHours: 24, position: i + 1, createdBy: course.leadTeacherId });
        if (lesson === last && room) {
          const place = await repo.classroomPlace(room.classroomId);
          const opening = { materialId: id, scheduledLessonId: lesson.id, userId: room.userId, siteKind: 'receiving_classroom' as const, classroomId: room.classroomId, schoolId: place?.schoolId ?? null, regionId: place?.regionId ?? null };
          await repo.recordOpening({ ...opening, openedAt: new Date(lesson.startsAt.getTime() - (i === 0 ? 3 : -2) * 3_600_000) });
        }
      }
    }
  });
  return true;
}
