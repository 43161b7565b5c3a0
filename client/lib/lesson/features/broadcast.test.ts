import { describe, expect, it } from 'vitest';
import { BroadcastManager } from './broadcast.svelte.js';

describe('the broadcast manager', () => {
  it('takes whether the lesson is broadcast and the viewer count from the snapshot, then the count from each viewers:changed', () => {
    const broadcast = new BroadcastManager();
    expect([broadcast.enabled, broadcast.viewers]).toEqual([false, 0]);
    broadcast.fromSnapshot({ broadcast: { enabled: true, viewers: 12 } });
    expect([broadcast.enabled, broadcast.viewers]).toEqual([true, 12]);
    broadcast.events['viewers:changed']({ count: 980 });
    expect(broadcast.viewers).toBe(980);
  });
});
