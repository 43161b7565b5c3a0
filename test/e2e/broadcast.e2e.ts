import { describe, expect, it } from 'vitest';
import { bodyText, login, useBrowser, visible } from './browser.js';
import { consoleProblems, snapshot, startLessonAsLead, waitForPicture, HOME_OFFERS_LESSON_MS, MEDIA_TIMEOUT_MS } from './lesson-helpers.js';

/*
 * 名校网络课堂 直播 through the UI: 王老师 starts her music lesson as a broadcast; a pupil of the county's
 * 桃园村教学点 — no part of that course — finds it on her home and opens the light live page, sees the teacher's camera playing, raises
 * her hand; the teacher sees one viewer and the hand, calls her on stage, and the pupil turns her microphone on.
 */
describe('a broadcast lesson (直播)', () => {
  const browser = useBrowser();

  it('lets a viewer of the county watch the teacher, raise a hand and be called on stage', async () => {
    const teacher = await browser.newUser();
    const { courseId, participantId: teacherId } = await startLessonAsLead(teacher, 'teacher.wang', async () => {
      const choice = await visible(teacher.page.getByTestId('prejoin-broadcast'));
      await choice.check();
    });
    const count = await visible(teacher.page.getByTestId('broadcast-viewers'));
    expect(await count.textContent()).toContain('0 人观看直播');

    const viewer = await browser.newUser();
    const problems = consoleProblems(viewer.page);
    await login(viewer.page, 'stu.taoyuan.02');
    await viewer.page.waitForURL((url) => url.pathname === '/');
    // Her home offers the broadcast (it asks what is live every 10 s): one click opens the live page.
    const watch = viewer.page.locator(`[data-testid="watch-broadcast"][data-course-id="${courseId}"]`);
    await visible(watch, HOME_OFFERS_LESSON_MS);
    await snapshot(viewer.page, 'broadcast-home');
    await watch.click();
    await viewer.page.waitForURL((url) => url.pathname === `/live/${courseId}`);
    await visible(viewer.page.getByTestId('live-watching'), MEDIA_TIMEOUT_MS);
    // The teacher's camera is decoded and its frames advance on the viewer's page.
    const first = await waitForPicture(viewer.page, teacherId);
    await expect.poll(async () => (await waitForPicture(viewer.page, teacherId)).frames, { timeout: MEDIA_TIMEOUT_MS }).toBeGreaterThan(first.frames);
    const viewerId = await viewer.page.getByTestId('live-page').getAttribute('data-participant-id');
    expect(viewerId).toBeTruthy();
    await expect.poll(async () => (await count.textContent()) ?? '', { timeout: 10_000 }).toContain('1 人观看直播');
    await snapshot(viewer.page, 'broadcast-viewer');

    await (await visible(viewer.page.getByTestId('live-hand'))).click();
    await expect.poll(() => bodyText(viewer.page)).toContain('已举手');
    const hand = await visible(teacher.page.locator(`[data-testid="hand-queue-item"][data-participant-id="${viewerId}"]`));
    // Her raised hand made her someone to the teacher: the queue names her.
    expect(await hand.textContent()).toContain('徐天宇');
    await hand.getByTestId('stage-invite').click();

    // On stage: the page says so and offers her microphone and camera; she turns the microphone on.
    const mic = await visible(viewer.page.getByTestId('live-mic'));
    await expect.poll(() => bodyText(viewer.page)).toContain('您已上台');
    await mic.click();
    await expect.poll(async () => (await mic.textContent())?.trim(), { timeout: MEDIA_TIMEOUT_MS }).toBe('关闭麦克风');
    await snapshot(viewer.page, 'broadcast-viewer-on-stage');
    console.info('viewer console problems', problems);

    await teacher.page.getByTestId('lesson-end').click();
    await teacher.page.getByRole('dialog').getByRole('button', { name: '下课' }).click();
    await visible(teacher.page.getByTestId('lesson-ended'));
    await visible(viewer.page.getByTestId('live-ended'), MEDIA_TIMEOUT_MS);
  });
});
