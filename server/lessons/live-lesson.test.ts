import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveLesson } from './live-lesson.js';
import { mayConsume } from './participant.js';
import { identity } from './features/testing.js';

describe('LiveLesson', () => {
  let lesson: LiveLesson;
  beforeEach(() => {
    vi.useFakeTimers();
    lesson = new LiveLesson({ lessonSessionId: 1, courseId: 2, courseName: '音乐', startedAt: new Date(), reconnectGraceMs: 30_000 });
  });
  afterEach(() => vi.useRealTimers());

  it('keeps one participant per account across a reconnect within the grace period', () => {
    const { participant: room } = lesson.join(identity(5, 'receiving_classroom'));
    const left = vi.fn();
    lesson.on('participant-left', left);
    lesson.disconnected(room.id);
    expect(room.view().connection).toBe('reconnecting');
    vi.advanceTimersByTime(20_000);
    const again = lesson.join(identity(5, 'receiving_classroom'));
    expect(again).toEqual({ participant: room, resumed: true });
    expect(room.view().connection).toBe('connected');
    vi.advanceTimersByTime(60_000);
    expect(left).not.toHaveBeenCalled();
    expect(lesson.participants).toHaveLength(1);
  });

  it('counts a participant as left when the grace period runs out', () => {
    const { participant: room } = lesson.join(identity(5, 'receiving_classroom'));
    const left = vi.fn();
    lesson.on('participant-left', left);
    lesson.disconnected(room.id);
    vi.advanceTimersByTime(30_001);
    expect(left).toHaveBeenCalledWith(room, 'connection_lost');
    expect(lesson.participants).toHaveLength(0);
  });

  it('lets sites see the teacher and the staged site, and the teacher see everyone', () => {
    const teacher = lesson.join(identity(1, 'lead_teacher')).participant;
    const a = lesson.join(identity(5, 'receiving_classroom')).participant;
    const b = lesson.join(identity(6, 'receiving_classroom')).participant;
    expect(mayConsume(a, teacher)).toBe(true);
    expect(mayConsume(teacher, a)).toBe(true);
    expect(mayConsume(b, a)).toBe(false);
    lesson.features.stage.invite(a.id);
    expect(mayConsume(b, a)).toBe(true);
    expect(mayConsume(a, a)).toBe(false);
  });

  it('admits no new site to a locked lesson but lets a dropped site back in', () => {
    lesson.join(identity(1, 'lead_teacher'));
    const a = lesson.join(identity(5, 'receiving_classroom')).participant;
    lesson.setLocked(true);
    expect(() => lesson.join(identity(6, 'receiving_classroom'))).toThrowError('lesson_locked');
    lesson.disconnected(a.id);
    expect(lesson.join(identity(5, 'receiving_classroom')).resumed).toBe(true);
  });

  it('keeps a removed site out with its own reason until the teacher lets it in again', () => {
    const teacher = lesson.join(identity(1, 'lead_teacher')).participant;
    const a = lesson.join(identity(5, 'receiving_classroom', '石桥村教学点一年级')).participant;
    const changed = vi.fn();
    lesson.on('removed-changed', changed);
    lesson.leave(a.id, 'removed', true, new Date('2026-11-30T01:00:00Z'));
    expect(() => lesson.join(identity(5, 'receiving_classroom'))).toThrowError('removed_from_lesson');
    expect(lesson.join(identity(6, 'receiving_classroom')).resumed).toBe(false);
    const listed = [{ userId: 5, displayName: '石桥村教学点一年级', kind: 'receiving_classroom', schoolName: '石桥村教学点', removedAt: '2026-11-30T01:00:00.000Z' }];
    expect(lesson.removed).toEqual(listed);
    expect(changed).toHaveBeenLastCalledWith(listed);
    // Only the teacher is shown whom she removed.
    expect(lesson.snapshotFor(teacher, []).removed).toEqual(listed);
    expect(lesson.snapshotFor(lesson.participants.find((p) => p.identity.userId === 6)!, []).removed).toEqual([]);

    lesson.readmit(5);
    expect(changed).toHaveBeenLastCalledWith([]);
    expect(lesson.join(identity(5, 'receiving_classroom')).resumed).toBe(false);
    expect(() => lesson.readmit(5)).toThrowError('not_found');
  });

  it('does not bar a site that left for another reason (a revoked session rejoins after signing in)', () => {
    const a = lesson.join(identity(5, 'receiving_classroom')).participant;
    lesson.leave(a.id, 'removed', false);
    expect(lesson.removed).toEqual([]);
    expect(lesson.join(identity(5, 'receiving_classroom')).resumed).toBe(false);
  });

  it("keeps the teacher's mute per account across a rejoin, until the site unmutes itself", () => {
    const teacher = lesson.join(identity(1, 'lead_teacher')).participant;
    const a = lesson.join(identity(5, 'receiving_classroom')).participant;
    lesson.mutedByTeacher(a.id);
    // A reload after the grace period makes a new participant of the same account: still muted.
    lesson.disconnected(a.id);
    vi.advanceTimersByTime(30_001);
    const again = lesson.join(identity(5, 'receiving_classroom')).participant;
    expect(again.id).not.toBe(a.id);
    expect(lesson.snapshotFor(again, []).mutedByTeacher).toBe(true);
    expect(lesson.snapshotFor(teacher, []).mutedByTeacher).toBe(false);
    lesson.unmutedBySelf(again.id);
    expect(lesson.snapshotFor(again, []).mutedByTeacher).toBe(false);
  });

  it('ends for everyone once', () => {
    lesson.join(identity(1, 'lead_teacher'));
    lesson.join(identity(5, 'receiving_classroom'));
    const left = vi.fn();
    const ended = vi.fn();
    lesson.on('participant-left', left);
    lesson.on('ended', ended);
    lesson.end();
    lesson.end();
    expect(left.mock.calls.map((c) => c[1])).toEqual(['lesson_ended', 'lesson_ended']);
    expect(ended).toHaveBeenCalledTimes(1);
    expect(() => lesson.join(identity(7, 'student'))).toThrowError('not_found');
  });
});
