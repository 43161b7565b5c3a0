import { describe, expect, it } from 'vitest';
import { LessonTimeline, type LessonMoment } from './lesson-timeline.svelte.js';

const site = (id: string, name: string, change: Partial<LessonMoment['participants'][number]> = {}) => ({
  id,
  displayName: name,
  kind: 'receiving_classroom' as const,
  onStage: false,
  handRaisedAt: null,
  screenOn: false,
  ...change,
});

describe('the observer’s lesson timeline', () => {
  it('stamps joins, stage, hands, screen, quizzes and leaves with the lesson time they were seen at', () => {
    const timeline = new LessonTimeline();
    timeline.observe({ participants: [site('t', '王老师'), site('a', '教学点教室')], polls: [] }, 60_000);
    timeline.observe({ participants: [site('t', '王老师', { screenOn: true }), site('a', '教学点教室', { handRaisedAt: '2026-09-07T01:05:00Z' })], polls: [] }, 300_000);
    timeline.observe({ participants: [site('t', '王老师', { screenOn: true }), site('a', '教学点教室', { onStage: true, handRaisedAt: '2026-09-07T01:05:00Z' })], polls: [{ id: 'q1', question: '1+1=?', quiz: true }] }, 420_000);
    timeline.observe({ participants: [site('t', '王老师', { screenOn: true })], polls: [{ id: 'q1', question: '1+1=?', quiz: true }] }, 600_000);
    expect(timeline.entries.map((e) => [e.atMs, e.kind, e.label])).toEqual([
      [600_000, 'left', '教学点教室'],
      [420_000, 'quiz', '1+1=?'],
      [420_000, 'on_stage', '教学点教室'],
      [300_000, 'hand', '教学点教室'],
      [300_000, 'screen', '王老师'],
      [60_000, 'joined', '教学点教室'],
      [60_000, 'joined', '王老师'],
    ]);
  });

  it('records nothing when nothing changed', () => {
    const timeline = new LessonTimeline();
    const moment = { participants: [site('t', '王老师')], polls: [] };
    timeline.observe(moment, 1000);
    timeline.observe(moment, 2000);
    expect(timeline.entries).toHaveLength(1);
  });
});
