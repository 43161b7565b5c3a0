import { describe, expect, it } from 'vitest';
import { demoLogin } from '../../server/seed/demo-logins.js';
import { useBrowser, visible, type BrowserUser } from './browser.js';
import { consoleProblems, decodedVideo, expectFramesAdvance, joinFromHome, participantIdOf, snapshot, startLessonAsLead, tilesOf, waitForPicture, MEDIA_TIMEOUT_MS } from './lesson-helpers.js';

/** 王老师's grade-3 music reaches both teaching points (server/seed/demo-data.ts). */
const TEACHER = 'teacher.wang';
const ROOM_A = 'room.shiqiao';
const ROOM_B = 'room.yangliu';
const OFFLINE_MS = 8_000;

interface Site extends BrowserUser {
  id: string;
  name: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

describe('a live shared lesson', () => {
  const browser = useBrowser();
  const problems: Record<string, string[]> = {};

  /** A classroom device signs in and joins the live lesson with one click on its home's button. */
  async function joinSite(username: string, courseId: number): Promise<Site> {
    const user = await browser.newUser();
    problems[username] = consoleProblems(user.page);
    // The live lesson is offered whatever the timetable says; ?auto=1 takes the classroom straight in.
    const id = await joinFromHome(user, username, courseId, async (join) => {
      expect(await join.innerText()).toContain('立即加入');
      await snapshot(user.page, `home-${username}`);
    });
    expect(await user.page.getByTestId('lesson-view').getAttribute('data-role')).toBe('receiving_classroom');
    return { ...user, id, name: demoLogin(username).displayName };
  }

  it('is started by the lead teacher, received by two classrooms, survives a dropped link and ends for everyone', async () => {
    // ---- the lead teacher starts the lesson ----
    const teacher = await browser.newUser();
    problems[TEACHER] = consoleProblems(teacher.page);
    const { courseId, participantId: teacherId } = await startLessonAsLead(teacher, TEACHER, async (start) => {
      expect((await start.innerText()).trim()).toBe('开始上课');
      await snapshot(teacher.page, 'teacher-prejoin');
    });
    expect(await teacher.page.getByTestId('lesson-view').getAttribute('data-role')).toBe('lead_teacher');

    // ---- both receiving classrooms join from their home page ----
    const [roomA, roomB] = await Promise.all([joinSite(ROOM_A, courseId), joinSite(ROOM_B, courseId)]);
    await visible(tilesOf(teacher.page, roomA.name));
    await visible(tilesOf(teacher.page, roomB.name));

    // Each classroom decodes the teacher, the teacher decodes each classroom, and the pictures move.
    const decoded = await expectFramesAdvance([
      { name: 'A decodes the teacher', page: roomA.page, participantId: teacherId },
      { name: 'B decodes the teacher', page: roomB.page, participantId: teacherId },
      { name: 'the teacher decodes A', page: teacher.page, participantId: roomA.id },
      { name: 'the teacher decodes B', page: teacher.page, participantId: roomB.id },
    ]);
    console.info('frames decoded over 10 s', decoded);
    await snapshot(teacher.page, 'teacher-view');
    await snapshot(roomA.page, 'classroom-view');

    // ---- A raises its hand; the teacher calls it on stage; B now sees and hears A ----
    await roomA.page.getByTestId('hand-raise').click();
    const raised = teacher.page.locator(`[data-testid="hand-queue-item"][data-participant-id="${roomA.id}"]`);
    await visible(raised);
    await raised.getByTestId('stage-invite').click();
    const tileA = teacher.page.locator(`[data-testid="participant-tile"][data-participant-id="${roomA.id}"]`);
    await expect.poll(() => tileA.getAttribute('data-on-stage')).toBe('true');
    await visible(tileA.getByTestId('stage-return'));
    expect(await teacher.page.getByTestId('hand-queue-item').count()).toBe(0);
    const aOnB = await waitForPicture(roomB.page, roomA.id);
    const aOnBSince = Date.now();

    // ---- chat round trip: A writes, the teacher and B read it ----
    const text = '老师，石桥的同学听得很清楚！';
    await roomA.page.getByTestId('chat-toggle').click();
    await roomA.page.getByTestId('chat-input').fill(text);
    await roomA.page.getByTestId('chat-send').click();
    await visible(teacher.page.getByTestId('chat-message').filter({ hasText: text }));
    await roomB.page.getByTestId('chat-toggle').click();
    await visible(roomB.page.getByTestId('chat-message').filter({ hasText: text }));

    // ---- the teacher mutes A: A is told in words, and its mic button shows off ----
    await tileA.getByTestId('tile-mute').click();
    await visible(roomA.page.getByTestId('lesson-notice').filter({ hasText: '老师已将你的麦克风静音' }));
    await expect.poll(() => roomA.page.getByTestId('mic-toggle').getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => tileA.getByTestId('tile-mute').isDisabled()).toBe(true);

    // ---- B switches to audio only (no picture of the teacher), then back to video ----
    await roomB.page.getByTestId('audio-only').click();
    await expect.poll(() => decodedVideo(roomB.page, teacherId)).toBe(null);
    await roomB.page.getByTestId('audio-only').click();
    await waitForPicture(roomB.page, teacherId);

    // ---- a quiz: A answers right, B wrong; the teacher sees 2 answers and the tally ----
    await teacher.page.getByTestId('tab-polls').click();
    await teacher.page.getByTestId('poll-question').fill('《茉莉花》是哪个地方的民歌？');
    const options = teacher.page.getByTestId('poll-option-input');
    await options.nth(0).fill('江苏');
    await options.nth(1).fill('云南');
    await teacher.page.getByTestId('poll-add-option').click();
    await options.nth(2).fill('新疆');
    await teacher.page.getByTestId('poll-quiz-correct').nth(0).check();
    await teacher.page.getByTestId('poll-create').click();
    for (const [site, choice] of [
      [roomA, 0],
      [roomB, 1],
    ] as const) {
      await site.page.getByTestId('poll-choice').nth(choice).check();
      await site.page.getByTestId('poll-submit').click();
      await visible(site.page.getByTestId('poll-submitted'));
    }
    const results = teacher.page.getByTestId('poll-results').first();
    await expect.poll(() => results.getAttribute('data-answered')).toBe('2');
    expect(await results.getAttribute('data-tally')).toBe('1,1,0');
    await teacher.page.getByTestId('poll-close').click();
    await expect.poll(() => roomA.page.getByTestId('poll-verdict').getAttribute('data-right')).toBe('true');
    await expect.poll(() => roomB.page.getByTestId('poll-verdict').getAttribute('data-right')).toBe('false');

    // B has been decoding A on stage all along: the frames moved on.
    await sleep(10_000 - (Date.now() - aOnBSince));
    const aOnBLater = await decodedVideo(roomB.page, roomA.id);
    expect(aOnBLater?.frames ?? 0).toBeGreaterThan(aOnB.frames);
    console.info('B decoding A on stage', { before: aOnB.frames, after: aOnBLater?.frames });
    await snapshot(teacher.page, 'teacher-stage-quiz');
    await snapshot(roomB.page, 'classroom-stage-quiz');

    // ---- B's link drops for ~8 s and comes back as the same participant ----
    const tileB = teacher.page.locator(`[data-testid="participant-tile"][data-participant-id="${roomB.id}"]`);
    const offlineSince = Date.now();
    await roomB.context.setOffline(true);
    await visible(roomB.page.getByTestId('reconnecting-banner'), 10_000);
    expect(await roomB.page.getByTestId('lesson-view').getAttribute('data-connection')).toBe('reconnecting');
    await expect.poll(() => tileB.getAttribute('data-connection'), { timeout: 15_000 }).toBe('reconnecting');
    await snapshot(teacher.page, 'teacher-b-reconnecting');
    await snapshot(roomB.page, 'classroom-reconnecting');
    await sleep(OFFLINE_MS - (Date.now() - offlineSince));
    await roomB.context.setOffline(false);
    await expect.poll(() => roomB.page.getByTestId('lesson-view').getAttribute('data-connection'), { timeout: MEDIA_TIMEOUT_MS }).toBe('connected');
    expect(await participantIdOf(roomB.page)).toBe(roomB.id);
    await expect.poll(() => tileB.getAttribute('data-connection'), { timeout: 15_000 }).toBe('connected');
    expect(await tilesOf(teacher.page, roomB.name).count()).toBe(1);
    expect(await tilesOf(teacher.page, roomB.name).getAttribute('data-participant-id')).toBe(roomB.id);
    const again = await expectFramesAdvance([
      { name: 'B decodes the teacher again', page: roomB.page, participantId: teacherId },
      { name: 'the teacher decodes B again', page: teacher.page, participantId: roomB.id },
    ]);
    console.info('frames decoded over 10 s after the reconnect', again);

    // ---- 下课: everyone is told ----
    await teacher.page.getByTestId('lesson-end').click();
    await teacher.page.getByRole('dialog').getByRole('button', { name: '下课' }).click();
    await Promise.all([teacher, roomA, roomB].map((user) => visible(user.page.getByTestId('lesson-ended'))));
    await snapshot(roomA.page, 'classroom-ended');
    expect(await roomA.page.getByTestId('lesson-ended').innerText()).toContain('本节课已结束');
    // No uncaught exception in any of the three pages all lesson long.
    expect(Object.values(problems).flat().filter((line) => line.startsWith('pageerror'))).toEqual([]);
    const live = await teacher.page.request.get('/api/lessons/live');
    expect(((await live.json()) as { lessons: Array<{ courseId: number }> }).lessons.map((l) => l.courseId)).not.toContain(courseId);
  }, 240_000);
});
