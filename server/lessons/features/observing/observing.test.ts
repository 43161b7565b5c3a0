import { describe, expect, it } from 'vitest';
import { lessonForFeatures } from '../testing.js';

describe('observers of a live lesson (听课)', () => {
  it('counts observers for every site as they come and go, and lists them to nobody but themselves', () => {
    const { lesson, join, sent } = lessonForFeatures();
    const teacher = join(1, 'lead_teacher');
    const room = join(5, 'receiving_classroom');
    const observer = join(8, 'observer');
    expect(sent).toEqual([{ to: null, event: 'observers:changed', payload: { count: 1, chatAllowed: false } }]);
    expect(lesson.snapshotFor(teacher, []).participants.map((p) => p.kind)).toEqual(['lead_teacher', 'receiving_classroom']);
    expect(lesson.snapshotFor(room, []).observing).toEqual({ count: 1, chatAllowed: false });
    expect(lesson.snapshotFor(observer, []).participants.map((p) => p.kind)).toEqual(['lead_teacher', 'receiving_classroom', 'observer']);
    // A reconnect of the same observer is no new one.
    join(8, 'observer');
    expect(sent).toHaveLength(1);
    lesson.leave(observer.id, 'left');
    expect(sent.at(-1)).toEqual({ to: null, event: 'observers:changed', payload: { count: 0, chatAllowed: false } });
  });

  it("takes an observer's chat only while the lead teacher lets observers chat, marked as an observer's", () => {
    const { lesson, join, sent } = lessonForFeatures();
    join(1, 'lead_teacher');
    const observer = join(8, 'observer');
    expect(() => lesson.features.chat.send(observer.id, '请教一下')).toThrowError('forbidden');
    lesson.features.observing.setChatAllowed(true);
    expect(sent.at(-1)).toEqual({ to: null, event: 'observers:changed', payload: { count: 1, chatAllowed: true } });
    expect(lesson.features.chat.send(observer.id, '请教一下')).toMatchObject({ text: '请教一下', fromObserver: true });
    lesson.features.observing.setChatAllowed(false);
    expect(() => lesson.features.chat.send(observer.id, '再问一句')).toThrowError('forbidden');
  });
});
