import { describe, expect, it } from 'vitest';
import type { ParticipantChanges } from '../../shared/lesson/protocol.js';
import { LessonParticipant, type ParticipantIdentity } from './participant.js';
import { ParticipantChangeBatch, participantChangesWindowMs, type ParticipantChangeRoutes } from './participant-changes.js';

const site = (userId: number): LessonParticipant =>
  new LessonParticipant({ userId, displayName: `site ${userId}`, kind: 'receiving_classroom', classroomId: userId, schoolId: 1, regionId: 1, schoolName: '石桥村教学点' } satisfies ParticipantIdentity);
const lead = (): LessonParticipant =>
  new LessonParticipant({ userId: 900, displayName: '王老师', kind: 'lead_teacher', classroomId: null, schoolId: 1, regionId: 1, schoolName: '城关小学' } satisfies ParticipantIdentity);
const viewer = (userId: number): LessonParticipant =>
  new LessonParticipant({ userId, displayName: `viewer ${userId}`, kind: 'viewer', classroomId: null, schoolId: 2, regionId: 1, schoolName: null } satisfies ParticipantIdentity);
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** What each route was sent: the followers' messages, the sites' messages, and each site's own. */
function recorded(): ParticipantChangeRoutes & { toFollowers: ParticipantChanges[]; toSites: ParticipantChanges[]; toOwn: Array<[string, ParticipantChanges]> } {
  const toFollowers: ParticipantChanges[] = [];
  const toSites: ParticipantChanges[] = [];
  const toOwn: Array<[string, ParticipantChanges]> = [];
  return {
    toFollowers,
    toSites,
    toOwn,
    followers: (changes) => void toFollowers.push(changes),
    sites: (changes) => void toSites.push(changes),
    own: (participant, changes) => void toOwn.push([participant.id, changes]),
  };
}

describe('ParticipantChangeBatch', () => {
  it('sends a burst of joins in one turn as one message, each participant once in her latest state', async () => {
    const routes = recorded();
    const sent = routes.toFollowers;
    const batch = new ParticipantChangeBatch(routes);
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
    const sent = recorded().toFollowers;
    const batch = new ParticipantChangeBatch({ ...recorded(), followers: (changes) => void sent.push(changes) }, () => 300);
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
    const routes = recorded();
    const sent = routes.toFollowers;
    const batch = new ParticipantChangeBatch(routes);
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

  it('tells the other sites nothing of a burst of classrooms joining, and each classroom of itself', async () => {
    const routes = recorded();
    const batch = new ParticipantChangeBatch(routes);
    const sites = Array.from({ length: 20 }, (_, i) => site(i + 1));
    for (const s of sites) batch.joined(s);
    sites[3]!.headcount = 31;
    batch.updated(sites[3]!);
    await nextTurn();
    expect(routes.toFollowers).toHaveLength(1);
    expect(routes.toSites).toEqual([]);
    expect(routes.toOwn.map(([id]) => id)).toEqual(sites.map((s) => s.id));
    expect(routes.toOwn[3]![1]).toEqual({ joined: [sites[3]!.view()], updated: [], left: [] });
    expect(routes.toOwn[3]![1].joined[0]!.headcount).toBe(31);
    // A classroom no site is shown changes and leaves: the followers hear of it, she of her change only.
    batch.updated(sites[0]!);
    batch.flush();
    batch.left(sites[1]!, 'left');
    batch.flush();
    expect(routes.toSites).toEqual([]);
    expect(routes.toOwn.at(-1)).toEqual([sites[0]!.id, { joined: [], updated: [sites[0]!.view()], left: [] }]);
    expect(routes.toFollowers.at(-1)).toEqual({ joined: [], updated: [], left: [{ participantId: sites[1]!.id, reason: 'left' }] });
  });

  it('tells every site of the lead teacher and of whoever has been on stage, until she leaves', () => {
    const routes = recorded();
    const batch = new ParticipantChangeBatch(routes);
    const [teacher, a] = [lead(), site(1)];
    batch.joined(teacher);
    batch.joined(a);
    batch.flush();
    expect(routes.toSites).toEqual([{ joined: [teacher.view()], updated: [], left: [] }]);
    // The teacher is a follower: she hears of herself with the rest, not on her own.
    expect(routes.toOwn.map(([id]) => id)).toEqual([a.id]);
    a.onStage = true;
    batch.updated(a);
    batch.flush();
    expect(routes.toSites.at(-1)).toEqual({ joined: [], updated: [a.view()], left: [] });
    // Back in her seat she stays in the lists she was shown in: they hear that, and of her leaving.
    a.onStage = false;
    batch.updated(a);
    batch.flush();
    expect(routes.toSites.at(-1)!.updated[0]!.onStage).toBe(false);
    batch.left(a, 'connection_lost');
    batch.flush();
    expect(routes.toSites.at(-1)).toEqual({ joined: [], updated: [], left: [{ participantId: a.id, reason: 'connection_lost' }] });
    expect(routes.toOwn.map(([id]) => id)).toEqual([a.id]);
    expect(routes.toFollowers).toHaveLength(4);
  });

  it('gathers for longer in a big lesson, where each message is a write to every site', () => {
    expect(participantChangesWindowMs(1)).toBe(50);
    expect(participantChangesWindowMs(200)).toBe(100);
    expect(participantChangesWindowMs(1000)).toBe(500);
  });

  it('sends a burst of broadcast viewers joining to nobody but each viewer herself, and a raised hand to the followers', () => {
    const routes = recorded();
    const batch = new ParticipantChangeBatch(routes);
    const viewers = Array.from({ length: 100 }, (_, i) => viewer(i + 1));
    for (const v of viewers) batch.joined(v);
    batch.flush();
    expect(routes.toFollowers).toEqual([]);
    expect(routes.toSites).toEqual([]);
    expect(routes.toOwn).toHaveLength(100);
    expect(routes.toOwn[0]).toEqual([viewers[0]!.id, { joined: [viewers[0]!.view()], updated: [], left: [] }]);
    viewers[7]!.handRaisedAt = new Date();
    batch.updated(viewers[7]!);
    batch.left(viewers[8]!, 'left');
    batch.flush();
    expect(routes.toFollowers).toEqual([{ joined: [], updated: [viewers[7]!.view()], left: [] }]);
    expect(routes.toSites).toEqual([]);
    // Once shown to the followers she stays shown until she leaves, her hand down or not.
    viewers[7]!.handRaisedAt = null;
    batch.left(viewers[7]!, 'left');
    batch.flush();
    expect(routes.toFollowers.at(-1)).toEqual({ joined: [], updated: [], left: [{ participantId: viewers[7]!.id, reason: 'left' }] });
  });
});
