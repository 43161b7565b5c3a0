import { afterEach, describe, expect, it, vi } from 'vitest';
import { lessonForFeatures } from '../testing.js';
import { VIEWER_COUNT_WINDOW_MS } from './broadcast.js';

describe('a broadcast lesson (直播) and its viewers', () => {
  afterEach(() => void vi.useRealTimers());

  it('refuses a viewer in a lesson that is not broadcast, and admits her in one that is', () => {
    const plain = lessonForFeatures();
    plain.join(1, 'lead_teacher');
    expect(() => plain.join(40, 'viewer')).toThrowError('not_broadcast');
    expect(plain.lesson.participants.map((p) => p.kind)).toEqual(['lead_teacher']);
    const live = lessonForFeatures({ broadcast: true });
    live.join(1, 'lead_teacher');
    expect(live.join(40, 'viewer').kind).toBe('viewer');
  });

  it('tells the followers alone how many watch: the first change at once, a burst once per window', () => {
    vi.useFakeTimers();
    const { lesson, join, sent } = lessonForFeatures({ broadcast: true });
    const teacher = join(1, 'lead_teacher');
    const room = join(5, 'receiving_classroom');
    const viewers = Array.from({ length: 200 }, (_, i) => join(100 + i, 'viewer'));
    expect(sent).toEqual([{ to: { part: 'followers' }, event: 'viewers:changed', payload: { count: 1 } }]);
    vi.advanceTimersByTime(VIEWER_COUNT_WINDOW_MS);
    expect(sent.at(-1)).toEqual({ to: { part: 'followers' }, event: 'viewers:changed', payload: { count: 200 } });
    expect(sent).toHaveLength(2);
    lesson.leave(viewers[0]!.id, 'left');
    vi.advanceTimersByTime(VIEWER_COUNT_WINDOW_MS * 3);
    expect(sent.at(-1)!.payload).toEqual({ count: 199 });
    // Nothing of it goes to the whole lesson.
    expect(sent.every((m) => m.to !== null)).toBe(true);
    expect(lesson.snapshotFor(teacher, []).broadcast).toEqual({ enabled: true, viewers: 199 });
    expect(lesson.snapshotFor(room, []).broadcast).toEqual({ enabled: true, viewers: 0 });
  });

  it("lists a viewer in no site's snapshot; the teacher's once she raises a hand, every site's once she has been on stage", () => {
    const { lesson, join } = lessonForFeatures({ broadcast: true });
    const teacher = join(1, 'lead_teacher');
    const room = join(5, 'receiving_classroom');
    const viewer = join(40, 'viewer');
    join(41, 'viewer');
    const kinds = (who: typeof teacher) => lesson.snapshotFor(who, []).participants.map((p) => p.id);
    expect(kinds(teacher)).toEqual([teacher.id, room.id]);
    expect(kinds(room)).toEqual([teacher.id, room.id]);
    // She sees herself and the teacher, not the classrooms.
    expect(kinds(viewer)).toEqual([teacher.id, viewer.id]);
    lesson.features.hands.raise(viewer.id);
    expect(kinds(teacher)).toEqual([teacher.id, room.id, viewer.id]);
    expect(kinds(room)).toEqual([teacher.id, room.id]);
    expect(lesson.features.hands.queue().map((h) => h.participantId)).toEqual([viewer.id]);
    lesson.features.stage.invite(viewer.id);
    expect(viewer.onStage).toBe(true);
    expect(kinds(room)).toEqual([teacher.id, room.id, viewer.id]);
  });
});
