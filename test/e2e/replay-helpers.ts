import type { Locator, Page } from 'playwright-core';
import { visible } from './browser.js';

/** What the test reads of the replay's <video> (the e2e code compiles without the DOM library). */
interface ReplayVideo {
  muted: boolean;
  currentTime: number;
  play(): Promise<void>;
  pause(): void;
  getVideoPlaybackQuality(): { totalVideoFrames: number };
}

export interface Replay {
  video: Locator;
  /** Where playback is and how many frames the browser decoded so far. */
  playback(): Promise<{ time: number; frames: number }>;
  seek(seconds: number): Promise<void>;
  pause(): Promise<void>;
}

/**
 * From a signed-in home page: 点播课堂 → the library card with this title → its replay page, and playing it
 * (muted, so no user gesture is needed).
 */
export async function openAndPlay(page: Page, title: string, recordingId: number): Promise<Replay> {
  await (await visible(page.getByTestId('home-library'))).click();
  await (await visible(page.getByTestId('library-item').filter({ hasText: title }).getByTestId('library-open'))).click();
  await page.waitForURL(`**/recordings/${recordingId}`);
  const video = await visible(page.getByTestId('replay-video'));
  await video.evaluate((element) => {
    const v = element as unknown as ReplayVideo;
    v.muted = true;
    return v.play();
  });
  return {
    video,
    playback: () =>
      video.evaluate((element) => {
        const v = element as unknown as ReplayVideo;
        return { time: v.currentTime, frames: v.getVideoPlaybackQuality().totalVideoFrames };
      }),
    seek: (seconds) =>
      video.evaluate((element, to) => {
        (element as unknown as ReplayVideo).currentTime = to;
      }, seconds),
    pause: () => video.evaluate((element) => (element as unknown as ReplayVideo).pause()),
  };
}
