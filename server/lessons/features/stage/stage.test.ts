import { describe, expect, it } from 'vitest';
import type { LessonParticipant } from '../../participant.js';
import { lessonForFeatures } from '../testing.js';

describe('the stage', () => {
  it('answers the hand of a site it invites without counting it as lowered, and tells the media side', () => {
    const { lesson, join, sent, participation } = lessonForFeatures();
    const a = join(5, 'receiving_classroom');
    const staged: LessonParticipant[] = [];
    const updated: LessonParticipant[] = [];
    lesson.on('stage-changed', (p) => staged.push(p));
    lesson.on('participant-updated', (p) => updated.push(p));
    lesson.features.hands.raise(a.id);
    lesson.features.stage.invite(a.id);
    expect(a).toMatchObject({ onStage: true, handRaisedAt: null });
    expect(sent.at(-1)).toEqual({ to: null, event: 'hand:queue', payload: { queue: [] } });
    expect(participation.map((p) => p.kind)).toEqual(['hand_raised', 'stage_invited']);
    expect(staged).toEqual([a]);
    expect(updated).toEqual([a, a]);
    // Inviting again changes nothing.
    lesson.features.stage.invite(a.id);
    expect(staged).toHaveLength(1);
  });

  it('lets a site step down by itself, but only the lead teacher send another site back', () => {
    const { lesson, join, participation } = lessonForFeatures();
    const teacher = join(1, 'lead_teacher');
    const a = join(5, 'receiving_classroom');
    const b = join(6, 'receiving_classroom');
    lesson.features.stage.invite(a.id);
    lesson.features.stage.invite(b.id);
    expect(() => lesson.features.stage.return(b, a.id)).toThrowError('forbidden');
    expect(a.onStage).toBe(true);
    lesson.features.stage.return(b, b.id);
    lesson.features.stage.return(teacher, a.id);
    expect([a.onStage, b.onStage]).toEqual([false, false]);
    expect(participation.map((p) => p.kind)).toEqual(['stage_invited', 'stage_invited', 'stage_returned', 'stage_returned']);
    expect(() => lesson.features.stage.invite('gone')).toThrowError('not_found');
  });

  it('never puts the lead teacher on or off the stage: she is always seen', () => {
    const { lesson, join, participation } = lessonForFeatures();
    const teacher = join(1, 'lead_teacher');
    lesson.features.stage.invite(teacher.id);
    expect(teacher.onStage).toBe(false);
    expect(participation).toEqual([]);
  });

  it('keeps a member of a teaching-research meeting on stage from her join on: neither she nor the convener sends her back', () => {
    const { lesson, join, participation } = lessonForFeatures();
    const convener = join(1, 'lead_teacher');
    const member = join(7, 'research_member');
    expect(member.onStage).toBe(true);
    lesson.features.stage.return(member, member.id);
    lesson.features.stage.return(convener, member.id);
    expect(member.onStage).toBe(true);
    expect(participation).toEqual([]);
  });
});
