import { LiveLesson } from '../live-lesson.js';
import type { ParticipantIdentity } from '../participant.js';
import type { OutboundLessonEvent } from './feature.js';

/*
 * For the features' unit tests: a real LiveLesson (the features' host) and a record of what its features
 * sent and reported, so that a test asserts what the sites would receive and what the report would count.
 */

export const identity = (userId: number, kind: ParticipantIdentity['kind'], displayName = `user ${userId}`): ParticipantIdentity => ({
  userId,
  displayName,
  kind,
  classroomId: kind === 'receiving_classroom' ? userId * 10 : null,
  schoolId: 1,
  regionId: 1,
  schoolName: '石桥村教学点',
});

export function lessonForFeatures({ broadcast = false }: { broadcast?: boolean } = {}) {
  const lesson = new LiveLesson({ lessonSessionId: 1, courseId: 2, courseName: '音乐', startedAt: new Date('2026-11-30T01:00:00Z'), reconnectGraceMs: 30_000, broadcast });
  const sent: OutboundLessonEvent[] = [];
  const participation: Array<{ participantId: string; kind: string }> = [];
  lesson.on('outbound', (message) => sent.push(message));
  lesson.on('participation', (p, kind) => participation.push({ participantId: p.id, kind }));
  const join = (userId: number, kind: ParticipantIdentity['kind']) => lesson.join(identity(userId, kind)).participant;
  return { lesson, sent, participation, join };
}
