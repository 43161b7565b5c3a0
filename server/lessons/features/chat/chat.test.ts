import { describe, expect, it } from 'vitest';
import { lessonForFeatures } from '../testing.js';

describe('the lesson chat', () => {
  it('refuses chat from sites while chat is off, but not from the teacher', () => {
    const { lesson, join } = lessonForFeatures();
    const teacher = join(1, 'lead_teacher');
    const a = join(5, 'receiving_classroom');
    lesson.features.chat.setEnabled(false);
    expect(() => lesson.features.chat.send(a.id, '老师好')).toThrowError('forbidden');
    expect(lesson.features.chat.send(teacher.id, '请安静').text).toBe('请安静');
  });

  it('sends each message to the whole lesson once and counts it as the site taking part', () => {
    const { lesson, join, sent, participation } = lessonForFeatures();
    const a = join(5, 'receiving_classroom');
    const message = lesson.features.chat.send(a.id, '  老师好  ');
    expect(message.text).toBe('老师好');
    expect(sent).toEqual([{ to: null, event: 'chat:message', payload: message }]);
    expect(participation).toEqual([{ participantId: a.id, kind: 'chat_message' }]);
    expect(() => lesson.features.chat.send(a.id, '   ')).toThrowError('bad_request');
    expect(sent).toHaveLength(1);
  });

  it('gives a late joiner the last 50 messages and whether chat is on', () => {
    const { lesson, join } = lessonForFeatures();
    const a = join(5, 'receiving_classroom');
    for (let i = 0; i < 60; i++) lesson.features.chat.send(a.id, `消息 ${i}`);
    lesson.features.chat.setEnabled(false);
    const late = join(6, 'student');
    const snapshot = lesson.snapshotFor(late, []);
    expect(snapshot.chat).toHaveLength(50);
    expect(snapshot.chat[0]?.text).toBe('消息 10');
    expect(snapshot.chatEnabled).toBe(false);
  });
});
