import { describe, expect, it } from 'vitest';
import type { MyObservations } from '../../shared/api/research-observations.js';
import { login, useBrowser, visible } from './browser.js';
import { consoleProblems, snapshot, waitForPicture, MEDIA_TIMEOUT_MS, startLessonAsLead, joinFromHome } from './lesson-helpers.js';

/*
 * 听课 from the observer's page: 王老师's music lesson with a receiving classroom, observed by the county's
 * admin (admins over the course's sites may always observe). She sees the teacher and the classroom decoded,
 * is never asked for a camera or microphone, and writes two notes stamped with lesson time, which her
 * 我的听课 then counts. (Teachers of the group observing, and the server refusing an observer's sending, are
 * the lesson core's part and the lead's end-to-end test.)
 */
describe('observing a live lesson', () => {
  const browser = useBrowser();

  it('shows the teacher and the classroom to the observer and stamps her notes with lesson time', async () => {
    const teacher = await browser.newUser();
    const { courseId, participantId: teacherId } = await startLessonAsLead(teacher, 'teacher.wang');

    const room = await browser.newUser();
    const roomId = await joinFromHome(room, 'room.shiqiao', courseId);

    const observer = await browser.newUser();
    const problems = consoleProblems(observer.page);
    let askedForDevices = false;
    await observer.page.exposeFunction('__askedForDevices', () => (askedForDevices = true));
    // Any getUserMedia call from the observer's page would be a camera/microphone prompt in a real browser.
    await observer.page.addInitScript(() => {
      // The e2e code compiles without the DOM library: reach the page's globals through globalThis.
      const page = globalThis as unknown as { navigator: { mediaDevices?: { getUserMedia: (...args: unknown[]) => Promise<unknown> } }; __askedForDevices: () => void };
      const devices = page.navigator.mediaDevices;
      if (!devices) return;
      const original = devices.getUserMedia.bind(devices);
      devices.getUserMedia = (...args: unknown[]) => {
        page.__askedForDevices();
        return original(...args);
      };
    });
    await login(observer.page, 'county');
    await observer.page.waitForURL((url) => url.pathname === '/');
    await observer.page.goto(`/observe/${courseId}`);
    await visible(observer.page.getByTestId('observe-receive-only'), MEDIA_TIMEOUT_MS);
    await waitForPicture(observer.page, teacherId);
    await waitForPicture(observer.page, roomId);
    await visible(observer.page.getByTestId('observe-timeline'));

    const input = await visible(observer.page.getByTestId('note-input'));
    await expect.poll(() => input.isEnabled(), { timeout: MEDIA_TIMEOUT_MS }).toBe(true);
    await input.fill('导入：用歌曲视频引入');
    await input.press('Enter');
    await visible(observer.page.getByTestId('note-text').filter({ hasText: '导入：用歌曲视频引入' }));
    await observer.page.waitForTimeout(2000);
    await input.fill('教学点学生跟唱积极');
    await input.press('Enter');
    await visible(observer.page.getByTestId('note-text').filter({ hasText: '教学点学生跟唱积极' }));

    const stamps = (await observer.page.getByTestId('note').evaluateAll((items) => items.map((item) => Number((item as unknown as { dataset: { atMs: string } }).dataset.atMs)))) as number[];
    expect(stamps).toHaveLength(2);
    expect(stamps[0]).toBeGreaterThan(0);
    expect(stamps[1]! - stamps[0]!).toBeGreaterThanOrEqual(1500);
    expect(askedForDevices).toBe(false);
    await snapshot(observer.page, 'observer-view');

    const mine = (await (await observer.page.request.get('/api/observations/mine')).json()) as MyObservations;
    expect(mine.items[0]).toMatchObject({ courseId, notesCount: 2, mode: 'live', teacherName: '王老师' });
    await observer.page.goto('/observations');
    await visible(observer.page.getByTestId('my-observation'));
    console.info('observer console problems', problems);

    // 下课, so that no later test of the suite finds 石桥's music lesson still live (its home would show it running).
    await teacher.page.getByTestId('lesson-end').click();
    await teacher.page.getByRole('dialog').getByRole('button', { name: '下课' }).click();
    await visible(teacher.page.getByTestId('lesson-ended'));
  });
});
