import { describe, expect, it } from 'vitest';
import { ApiError } from '../api.js';
import { startLesson } from './lesson-start.js';
import type { MediaSignalling } from './media-session.js';

/** The server's side of lesson:start: refuses every start for a slot with `refusal`, when given. */
function server(refusal?: ApiError) {
  const starts: unknown[] = [];
  const signalling: MediaSignalling = {
    request: (async (name: string, payload: { courseId: number; scheduledLessonId?: number }) => {
      expect(name).toBe('lesson:start');
      starts.push(payload);
      if (refusal && payload.scheduledLessonId !== undefined) throw refusal;
      return { lessonSessionId: 1 };
    }) as MediaSignalling['request'],
  };
  return { signalling, starts };
}

describe('the lead teacher starting the lesson', () => {
  it('starts it for the timetabled slot it was opened from', async () => {
    const { signalling, starts } = server();
    await startLesson(signalling, 7, 31);
    expect(starts).toEqual([{ courseId: 7, scheduledLessonId: 31 }]);
  });

  it('starts it as a broadcast (直播) when she chose that, also when the slot is refused', async () => {
    const { signalling, starts } = server(new ApiError(400, 'bad_request', 'stale slot'));
    await startLesson(signalling, 7, 31, true);
    expect(starts).toEqual([{ courseId: 7, scheduledLessonId: 31, broadcast: true }, { courseId: 7, broadcast: true }]);
  });

  it('starts it ad hoc when opened from no slot', async () => {
    const { signalling, starts } = server();
    await startLesson(signalling, 7, undefined);
    expect(starts).toEqual([{ courseId: 7 }]);
  });

  it('starts ad hoc when the server refuses the slot as a bad request (a stale link), rather than keeping her out', async () => {
    const { signalling, starts } = server(new ApiError(400, 'bad_request', 'not this course’s slot'));
    await startLesson(signalling, 7, 31);
    expect(starts).toEqual([{ courseId: 7, scheduledLessonId: 31 }, { courseId: 7 }]);
  });

  it('passes any other refusal on, without a second start', async () => {
    const { signalling, starts } = server(new ApiError(403, 'forbidden', 'not her course'));
    await expect(startLesson(signalling, 7, 31)).rejects.toMatchObject({ code: 'forbidden' });
    expect(starts).toHaveLength(1);
  });
});
