import { describe, expect, it } from 'vitest';
import type { ParticipationDetail } from '../feature.js';
import { identity, lessonForFeatures } from '../testing.js';

describe('lesson polls', () => {
  it('counts each site once per quiz, marks correctness and hides results from sites until it closes', () => {
    const { lesson, join } = lessonForFeatures();
    const teacher = join(1, 'lead_teacher');
    const a = join(5, 'receiving_classroom');
    const b = join(6, 'receiving_classroom');
    const polls = lesson.features.polls;
    const poll = polls.create('哪个是四分音符？', ['♩', '♪', '𝅗𝅥'], false, [0]);
    const answered: Array<ParticipationDetail | null> = [];
    lesson.on('participation', (_p, kind, detail) => kind === 'poll_answer' && answered.push(detail));
    polls.answer(a.id, poll.id, [0]);
    polls.answer(b.id, poll.id, [1]);
    expect(() => polls.answer(a.id, poll.id, [1])).toThrowError('conflict');
    expect(answered.map((d) => d?.correct)).toEqual([true, false]);
    expect(answered.map((d) => d?.pollId)).toEqual([poll.id, poll.id]);
    expect(poll.viewFor(teacher.id, true).tally).toEqual([1, 1, 0]);
    expect(poll.viewFor(a.id, false)).toMatchObject({ tally: null, correct: null, myAnswer: [0] });
    polls.close(poll.id);
    expect(poll.viewFor(a.id, false)).toMatchObject({ tally: [1, 1, 0], correct: [0], answers: null });
    const c = join(7, 'receiving_classroom');
    expect(() => polls.answer(c.id, poll.id, [0])).toThrowError('conflict');
  });

  it("shows the teacher each site's answer and verdict, in the order they came", () => {
    const { lesson, join } = lessonForFeatures();
    const teacher = join(1, 'lead_teacher');
    const a = lesson.join(identity(5, 'receiving_classroom', '石桥村教学点')).participant;
    const b = lesson.join(identity(6, 'student', '王小明')).participant;
    const poll = lesson.features.polls.create('2+3=?', ['4', '5', '6'], false, [1]);
    lesson.features.polls.answer(b.id, poll.id, [2]);
    lesson.features.polls.answer(a.id, poll.id, [1]);
    expect(lesson.snapshotFor(teacher, []).polls[0]?.answers).toEqual([
      { participantId: b.id, displayName: '王小明', choices: [2], correct: false },
      { participantId: a.id, displayName: '石桥村教学点', choices: [1], correct: true },
    ]);
    expect(lesson.snapshotFor(a, []).polls[0]?.answers).toBeNull();
  });

  it('sends each site the poll as it may see it: its own answer, the tally only to the teacher', () => {
    const { lesson, join, sent } = lessonForFeatures();
    const teacher = join(1, 'lead_teacher');
    const a = join(5, 'receiving_classroom');
    const b = join(6, 'receiving_classroom');
    const poll = lesson.features.polls.create('Q', ['x', 'y'], false, null);
    expect(sent.map((m) => m.to)).toEqual([teacher.id, a.id, b.id]);
    sent.length = 0;
    lesson.features.polls.answer(a.id, poll.id, [1]);
    const viewOf = (id: string) => sent.find((m) => m.to === id && m.event === 'poll:updated')?.payload;
    expect(viewOf(a.id)).toMatchObject({ myAnswer: [1], tally: null, answered: 1 });
    expect(viewOf(b.id)).toMatchObject({ myAnswer: null, tally: null, answered: 1 });
    expect(viewOf(teacher.id)).toMatchObject({ myAnswer: null, tally: [0, 1] });
    expect(sent.some((m) => m.to === null)).toBe(false);
  });

  it('takes no quiz answer from the lead teacher or an observer', () => {
    const { lesson, join, participation } = lessonForFeatures();
    const teacher = join(1, 'lead_teacher');
    const observer = join(8, 'observer');
    const poll = lesson.features.polls.create('Q', ['x', 'y'], false, [0]);
    expect(() => lesson.features.polls.answer(teacher.id, poll.id, [0])).toThrowError('forbidden');
    expect(() => lesson.features.polls.answer(observer.id, poll.id, [0])).toThrowError('forbidden');
    expect(poll.answers).toHaveLength(0);
    expect(participation).toEqual([]);
  });

  it('refuses a single-choice answer with two choices and an out-of-range choice', () => {
    const { lesson, join } = lessonForFeatures();
    const a = join(5, 'receiving_classroom');
    const poll = lesson.features.polls.create('Q', ['x', 'y'], false, null);
    expect(() => lesson.features.polls.answer(a.id, poll.id, [0, 1])).toThrowError('bad_request');
    expect(() => lesson.features.polls.answer(a.id, poll.id, [2])).toThrowError('bad_request');
    expect(() => lesson.features.polls.answer(a.id, 'no-such-poll', [0])).toThrowError('not_found');
    expect(poll.answers).toHaveLength(0);
  });
});
