import { describe, expect, it } from 'vitest';
import { lessonForFeatures } from '../testing.js';

describe('raised hands', () => {
  it('orders the hand queue by time and clears a hand when its site goes on stage', () => {
    const { lesson, join } = lessonForFeatures();
    const a = join(5, 'receiving_classroom');
    const b = join(6, 'receiving_classroom');
    lesson.features.hands.raise(b.id, new Date('2026-11-30T01:00:00Z'));
    lesson.features.hands.raise(a.id, new Date('2026-11-30T01:00:05Z'));
    expect(lesson.features.hands.queue().map((h) => h.participantId)).toEqual([b.id, a.id]);
    lesson.features.stage.invite(b.id);
    expect(lesson.features.hands.queue().map((h) => h.participantId)).toEqual([a.id]);
    expect(b.onStage).toBe(true);
  });

  it('sends the queue to the whole lesson and counts each raise and lower as the site taking part', () => {
    const { lesson, join, sent, participation } = lessonForFeatures();
    const a = join(5, 'receiving_classroom');
    lesson.features.hands.raise(a.id, new Date('2026-11-30T01:00:00Z'));
    // A second raise keeps the hand's place and is not counted again.
    lesson.features.hands.raise(a.id, new Date('2026-11-30T01:00:09Z'));
    lesson.features.hands.lower(a);
    lesson.features.hands.lower(a);
    expect(sent).toEqual([
      { to: null, event: 'hand:queue', payload: { queue: [{ participantId: a.id, raisedAt: '2026-11-30T01:00:00.000Z' }] } },
      { to: null, event: 'hand:queue', payload: { queue: [] } },
    ]);
    expect(participation).toEqual([
      { participantId: a.id, kind: 'hand_raised' },
      { participantId: a.id, kind: 'hand_lowered' },
    ]);
  });

  it("lets only the lead teacher lower someone else's hand, and gives her none to raise", () => {
    const { lesson, join, participation } = lessonForFeatures();
    const teacher = join(1, 'lead_teacher');
    const a = join(5, 'receiving_classroom');
    const b = join(6, 'receiving_classroom');
    lesson.features.hands.raise(a.id);
    expect(() => lesson.features.hands.lower(b, a.id)).toThrowError('forbidden');
    expect(a.handRaisedAt).not.toBeNull();
    lesson.features.hands.lower(teacher, a.id);
    expect(a.handRaisedAt).toBeNull();
    expect(() => lesson.features.hands.lower(teacher, 'gone')).toThrowError('not_found');
    lesson.features.hands.raise(teacher.id);
    expect(teacher.handRaisedAt).toBeNull();
    expect(participation.map((p) => p.kind)).toEqual(['hand_raised', 'hand_lowered']);
  });

  it('takes the hand of a site that leaves off the queue the others see', () => {
    const { lesson, join, sent } = lessonForFeatures();
    const a = join(5, 'receiving_classroom');
    const b = join(6, 'receiving_classroom');
    lesson.features.hands.raise(a.id, new Date('2026-11-30T01:00:00Z'));
    lesson.features.hands.raise(b.id, new Date('2026-11-30T01:00:05Z'));
    lesson.leave(a.id, 'left');
    expect(sent.at(-1)).toEqual({ to: null, event: 'hand:queue', payload: { queue: [{ participantId: b.id, raisedAt: '2026-11-30T01:00:05.000Z' }] } });
    const before = sent.length;
    lesson.leave(b.id, 'left');
    lesson.leave(join(7, 'student').id, 'left');
    expect(sent.slice(before).map((m) => m.event)).toEqual(['hand:queue']);
  });
});
