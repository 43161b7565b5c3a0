import { describe, expect, it } from 'vitest';
import type { ParticipantView } from '../../../../shared/lesson/model.js';
import { HandsManager } from './hands.svelte.js';
import { recordingHost } from './testing.js';

const site = (id: string, handRaisedAt: string | null): ParticipantView => ({
  id,
  userId: 1,
  displayName: id,
  kind: 'receiving_classroom',
  classroomId: null,
  schoolName: null,
  connection: 'connected',
  micOn: false,
  cameraOn: false,
  screenOn: false,
  onStage: false,
  handRaisedAt,
  audioOnly: false,
  quality: 'unknown',
  headcount: null,
});

describe('the hands manager', () => {
  it('builds the queue from the snapshot, oldest hand first, without the sites whose hand is down', () => {
    const hands = new HandsManager(recordingHost().host);
    hands.fromSnapshot([site('a', '2026-11-30T01:00:05.000Z'), site('b', null), site('c', '2026-11-30T01:00:00.000Z')]);
    expect(hands.queue.map((h) => h.participantId)).toEqual(['c', 'a']);
  });

  it("takes the server's queue as it comes", () => {
    const hands = new HandsManager(recordingHost().host);
    hands.fromSnapshot([site('a', '2026-11-30T01:00:05.000Z')]);
    hands.events['hand:queue']({ queue: [{ participantId: 'b', raisedAt: '2026-11-30T01:00:09.000Z' }] });
    expect(hands.queue).toEqual([{ participantId: 'b', raisedAt: '2026-11-30T01:00:09.000Z' }]);
  });

  it('raises my hand and lowers mine or (lead teacher) another site’s', async () => {
    const { host, requests } = recordingHost();
    const hands = new HandsManager(host);
    expect(await hands.raise()).toBe(true);
    await hands.lower();
    await hands.lower('b');
    expect(requests).toEqual([
      { name: 'hand:raise', payload: {} },
      { name: 'hand:lower', payload: {} },
      { name: 'hand:lower', payload: { participantId: 'b' } },
    ]);
  });
});
