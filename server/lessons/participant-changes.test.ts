import { describe, expect, it } from 'vitest';
import type { ParticipantChanges } from '../../shared/lesson/protocol.js';
import { LessonParticipant, type ParticipantIdentity } from './participant.js';
import { ParticipantChangeBatch, participantChangesWindowMs } from './participant-changes.js';

const site = (userId: number): LessonParticipant =>
  new LessonParticipant({ userId, displayName: `site ${userId}`, kind: 'receiving_classroom', classroomId: userId, schoolId: 1, regionId: 1, schoolName: '石桥村教学点' } satisfies ParticipantIdentity);
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('ParticipantChangeBatch', () => {
  it('sends a burst of joins in one turn as one message, each participant once in her latest state', async () => {
    const sent: ParticipantChanges[] = [];
    const batch = new ParticipantChangeBatch((changes) => sent.push(changes));
    const sites = Array.from({ length: 50 }, (_, i) => site(i + 1));
    for (const s of sites) batch.joined(s);
    sites[0]!.handRaisedAt = new Date();
    batch.updated(sites[0]!);
    await nextTurn();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.joined.map((p) => p.id)).toEqual(sites.map((s) => s.id));
    expect(sent[0]!.joined[0]!.handRaisedAt).not.toBeNull();
    expect(sent[0]!.updated).toEqual([]);
  });

  it('gathers what follows a message for the rest of the window, then sends it as one', async () => {
    const sent: ParticipantChanges[] = [];
    const batch = new ParticipantChangeBatch((changes) => sent.push(changes), () => 300);
    const [a, b, c] = [site(1), site(2), site(3)];
    batch.joined(a);
    await nextTurn();
    batch.joined(b);
    await nextTurn();
    batch.updated(a);
    await nextTurn();
    batch.left(b, 'left');
    batch.joined(c);
    // Still inside the window after the first message: nothing more has gone out yet.
    expect(sent).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual({ joined: [c.view()], updated: [a.view()], left: [{ participantId: b.id, reason: 'left' }] });
  });

  it('sends nothing of a participant who left after her change, and nothing at all once closed', async () => {
    const sent: ParticipantChanges[] = [];
    const batch = new ParticipantChangeBatch((changes) => sent.push(changes));
    const a = site(1);
    batch.updated(a);
    batch.left(a, 'connection_lost');
    batch.updated(a);
    batch.flush();
    expect(sent).toEqual([{ joined: [], updated: [], left: [{ participantId: a.id, reason: 'connection_lost' }] }]);
    batch.flush();
    expect(sent).toHaveLength(1);
    batch.close();
    batch.joined(site(2));
    batch.flush();
    await nextTurn();
    expect(sent).toHaveLength(1);
  });

  it('gathers for longer in a big lesson, where each message is a write to every site', () => {
    expect(participantChangesWindowMs(1)).toBe(50);
    expect(participantChangesWindowMs(200)).toBe(100);
    expect(participantChangesWindowMs(1000)).toBe(500);
  });
});
