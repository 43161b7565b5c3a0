import type { TongkeDb } from '../db/store.js';
import type { RubricScores } from '../../shared/api/research.js';
import { DemoResearchRepository, type HeldLesson } from '../research/evidence/demo-repository.js';
import { DEFAULT_RUBRIC } from '../research/rubrics/default-rubric.js';
import { DEMO_REGION } from './demo-data.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** The demo county's observation target: lessons each teacher observes a term (听课节数). */
export const DEMO_OBSERVATION_TARGET = 10;

/** Levels per DEFAULT_RUBRIC dimension (0 = 优秀 … 3 = 待改进). */
const scores = (goals: number, content: number, methods: number, interaction: number, remote: number, effect: number): RubricScores => ({ goals, content, methods, interaction, remote, effect });

/**
 * Who observes whose lessons: teacher.li and teacher.zhang (the same group) observe teacher.wang's latest
 * lessons, teacher.wang one of teacher.li's. `lesson` is the index among the lead teacher's latest held
 * lessons; a rating makes the observation submitted.
 */
const OBSERVATIONS: ReadonlyArray<{ observer: string; lead: string; lesson: number; mode: 'live' | 'replay'; rating?: RubricScores; comment?: string; notes: ReadonlyArray<[minute: number, text: string]> }> = [
  {
    observer: 'teacher.li',
    lead: 'teacher.wang',
    lesson: 0,
    mode: 'live',
    rating: scores(0, 1, 0, 1, 1, 0),
    comment: '节奏训练设计巧妙，两个教学点都有学生上台示范；建议多给杨柳村教学点的学生开口机会。',
    notes: [
      [4, '导入用《小雨沙沙》范唱，学生兴趣很高'],
      [17, '请石桥村教学点学生上台拍节奏，远端互动自然'],
    ],
  },
  { observer: 'teacher.zhang', lead: 'teacher.wang', lesson: 0, mode: 'live', rating: scores(1, 1, 1, 2, 2, 1), comment: '课堂节奏稍快，远端学生跟唱时声音不齐。', notes: [[22, '接收教室有一段声音延迟，教师及时放慢了速度']] },
  { observer: 'teacher.li', lead: 'teacher.wang', lesson: 1, mode: 'replay', notes: [[10, '板书清楚，课件切换流畅']] },
  { observer: 'teacher.wang', lead: 'teacher.li', lesson: 0, mode: 'live', rating: scores(0, 0, 1, 0, 1, 0), comment: '英语情景对话让教学点学生开口，很好。', notes: [[8, '用图片引出新词，远端学生能跟读']] },
  { observer: 'teacher.zhang', lead: 'teacher.li', lesson: 1, mode: 'replay', notes: [] },
];

/**
 * 名师课堂 in the demo county, so its reports show the figures: the county's rubric version (DEFAULT_RUBRIC)
 * and a target of 10 lessons a term, a few observations of past lessons by other teachers of the group (some
 * submitted with ratings, notes at lesson times), and a 协同教研 meeting about teacher.wang's latest lesson
 * attended by three teachers. Needs the history of past lessons (seedDemoHistory); only into a county without
 * observations, so it is safe to call again. Returns the observations written.
 */
export async function seedDemoResearch(db: TongkeDb, now = new Date()): Promise<number> {
  const repo = new DemoResearchRepository(db);
  const regionId = await repo.regionId(DEMO_REGION.code);
  if (regionId === null || (await repo.observationCount()) > 0) return 0;
  const people = await repo.userIds(['teacher.wang', 'teacher.li', 'teacher.zhang']);
  const lessonsOf = new Map<string, HeldLesson[]>();
  for (const lead of ['teacher.wang', 'teacher.li']) {
    const id = people.get(lead);
    lessonsOf.set(lead, id === undefined ? [] : await repo.heldLessons(id, now, 2));
  }
  const planned = OBSERVATIONS.flatMap((o) => {
    const lesson = lessonsOf.get(o.lead)?.[o.lesson];
    const observerId = people.get(o.observer);
    return lesson && observerId !== undefined ? [{ ...o, lesson, observerId }] : [];
  });
  if (planned.length === 0) return 0;

  return repo.transaction(async () => {
    const rubricId = await repo.rubric(regionId, DEFAULT_RUBRIC);
    await repo.target(regionId, DEMO_OBSERVATION_TARGET);
    for (const o of planned) {
      // Live: during the lesson; replay: the evening after. Submitted an hour after that.
      const at = o.mode === 'live' ? o.lesson.startedAt : new Date(o.lesson.endedAt.getTime() + 8 * 3_600_000);
      await repo.observe({
        lessonSessionId: o.lesson.id,
        observerId: o.observerId,
        mode: o.mode,
        rubricId,
        scores: o.rating ?? null,
        comment: o.comment ?? null,
        submittedAt: o.rating ? new Date(Math.max(at.getTime(), o.lesson.endedAt.getTime()) + 3_600_000) : null,
        notes: o.notes.map(([minute, text]) => ({ atMs: minute * MINUTE_MS, text })),
        at,
      });
      await repo.review(o.lesson.id, new Date(o.lesson.endedAt.getTime() + 14 * DAY_MS));
    }
    // After school on the day of one of teacher.wang's observed lessons, once that meeting is over.
    const meetingOf = (lesson: HeldLesson) => new Date(lesson.endedAt.getTime() + 2 * 3_600_000);
    const observed = (lessonsOf.get('teacher.wang') ?? []).find((lesson) => meetingOf(lesson).getTime() + 40 * MINUTE_MS <= now.getTime());
    const attendees = ['teacher.wang', 'teacher.li', 'teacher.zhang'].flatMap((u) => (people.has(u) ? [people.get(u)!] : []));
    if (observed) await repo.heldMeeting({ lesson: observed, title: '同步课堂评课研讨', convenerId: people.get('teacher.wang')!, at: meetingOf(observed), minutes: 40, regionId, attendees });
    return planned.length;
  });
}
