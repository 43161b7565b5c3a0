import { describe, expect, it } from 'vitest';
import { LessonParticipant } from '../../lessons/participant.js';
import { ApiError } from '../../core/errors.js';
import { assertMayAddVideo, MEETING_VIDEO_LIMIT } from './membership.js';

const member = (userId: number, camera = false) => {
  const p = new LessonParticipant({ userId, displayName: `教师${userId}`, kind: 'research_member', classroomId: null, schoolId: null, regionId: 1, schoolName: null });
  p.media.camera = camera;
  return p;
};

describe('video in a teaching-research meeting', () => {
  it('lets members turn video on up to the stage limit, then refuses with stage_full naming the limit', () => {
    const sending = Array.from({ length: MEETING_VIDEO_LIMIT - 1 }, (_, i) => member(i + 1, true));
    const next = member(100);
    expect(() => assertMayAddVideo(next, [...sending, next])).not.toThrow();
    next.media.camera = true;
    const late = member(101);
    const refusal = (() => {
      try {
        assertMayAddVideo(late, [...sending, next, late]);
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ code: 'stage_full', params: { limit: MEETING_VIDEO_LIMIT } });
    // One already sending may replace her camera (or add her screen).
    expect(() => assertMayAddVideo(next, [...sending, next, late])).not.toThrow();
  });
});
