import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveLesson, mayConsume } from './live-lesson.js';
import type { ParticipantIdentity } from './participant.js';

const identity = (userId: number, kind: ParticipantIdentity['kind'], displayName = `user ${userId}`): ParticipantIdentity => ({
  userId,
  displayName,
  kind,
  classroomId: kind === 'receiving_classroom' ? userId * 10 : null,
  schoolId: 1,
  regionId: 1,
  schoolName: '石桥村教学点',
});

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

  it('orders the hand queue by time and clears a hand when its site goes on stage', () => {
    const a = lesson.join(identity(5, 'receiving_classroom')).participant;
    const b = lesson.join(identity(6, 'receiving_classroom')).participant;
    lesson.raiseHand(b.id, new Date('2026-11-30T01:00:00Z'));
    lesson.raiseHand(a.id, new Date('2026-11-30T01:00:05Z'));
    expect(lesson.handQueue().map((h) => h.participantId)).toEqual([b.id, a.id]);
    lesson.setOnStage(b.id, true);
    expect(lesson.handQueue().map((h) => h.participantId)).toEqual([a.id]);
    expect(b.onStage).toBe(true);
  });

  it('lets sites see the teacher and the staged site, and the teacher see everyone', () => {
    const teacher = lesson.join(identity(1, 'lead_teacher')).participant;
    const a = lesson.join(identity(5, 'receiving_classroom')).participant;
    const b = lesson.join(identity(6, 'receiving_classroom')).participant;
    expect(mayConsume(a, teacher)).toBe(true);
    expect(mayConsume(teacher, a)).toBe(true);
    expect(mayConsume(b, a)).toBe(false);
    lesson.setOnStage(a.id, true);
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

  it('counts each site once per quiz, marks correctness and hides results from sites until it closes', () => {
    const teacher = lesson.join(identity(1, 'lead_teacher')).participant;
    const a = lesson.join(identity(5, 'receiving_classroom')).participant;
    const b = lesson.join(identity(6, 'receiving_classroom')).participant;
    const poll = lesson.createPoll('哪个是四分音符？', ['♩', '♪', '𝅗𝅥'], false, [0]);
    const answered = vi.fn();
    lesson.on('poll-answered', answered);
    lesson.answerPoll(a.id, poll.id, [0]);
    lesson.answerPoll(b.id, poll.id, [1]);
    expect(() => lesson.answerPoll(a.id, poll.id, [1])).toThrowError('conflict');
    expect(answered.mock.calls.map((c) => c[2])).toEqual([true, false]);
    expect(poll.viewFor(teacher.id, true).tally).toEqual([1, 1, 0]);
    expect(poll.viewFor(a.id, false)).toMatchObject({ tally: null, correct: null, myAnswer: [0] });
    lesson.closePoll(poll.id);
    expect(poll.viewFor(a.id, false)).toMatchObject({ tally: [1, 1, 0], correct: [0], answers: null });
    const c = lesson.join(identity(7, 'receiving_classroom')).participant;
    expect(() => lesson.answerPoll(c.id, poll.id, [0])).toThrowError('conflict');
  });

  it("shows the teacher each site's answer and verdict, in the order they came", () => {
    const teacher = lesson.join(identity(1, 'lead_teacher')).participant;
    const a = lesson.join(identity(5, 'receiving_classroom', '石桥村教学点')).participant;
    const b = lesson.join(identity(6, 'student', '王小明')).participant;
    const poll = lesson.createPoll('2+3=?', ['4', '5', '6'], false, [1]);
    lesson.answerPoll(b.id, poll.id, [2]);
    lesson.answerPoll(a.id, poll.id, [1]);
    expect(lesson.snapshotFor(teacher, []).polls[0]?.answers).toEqual([
      { participantId: b.id, displayName: '王小明', choices: [2], correct: false },
      { participantId: a.id, displayName: '石桥村教学点', choices: [1], correct: true },
    ]);
    expect(lesson.snapshotFor(a, []).polls[0]?.answers).toBeNull();
  });

  it('takes no quiz answer from the lead teacher or an observer', () => {
    const teacher = lesson.join(identity(1, 'lead_teacher')).participant;
    const observer = lesson.join(identity(8, 'observer')).participant;
    const poll = lesson.createPoll('Q', ['x', 'y'], false, [0]);
    expect(() => lesson.answerPoll(teacher.id, poll.id, [0])).toThrowError('forbidden');
    expect(() => lesson.answerPoll(observer.id, poll.id, [0])).toThrowError('forbidden');
    expect(poll.answers).toHaveLength(0);
  });

  it('refuses a single-choice answer with two choices and an out-of-range choice', () => {
    const a = lesson.join(identity(5, 'receiving_classroom')).participant;
    const poll = lesson.createPoll('Q', ['x', 'y'], false, null);
    expect(() => lesson.answerPoll(a.id, poll.id, [0, 1])).toThrowError('bad_request');
    expect(() => lesson.answerPoll(a.id, poll.id, [2])).toThrowError('bad_request');
    expect(poll.answers).toHaveLength(0);
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
