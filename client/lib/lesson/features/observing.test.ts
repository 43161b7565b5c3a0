import { describe, expect, it } from 'vitest';
import { ObservingManager } from './observing.svelte.js';
import { recordingHost } from './testing.js';

describe('the observing manager', () => {
  it('takes the count and the chat switch from the snapshot, then from each observers:changed', () => {
    const observing = new ObservingManager(recordingHost().host);
    expect(observing.count).toBe(0);
    observing.fromSnapshot({ observing: { count: 2, chatAllowed: false } });
    expect(observing.count).toBe(2);
    observing.events['observers:changed']({ count: 3, chatAllowed: true });
    expect(observing.count).toBe(3);
    expect(observing.chatAllowed).toBe(true);
  });

  it("sends the lead teacher's switch as observers:chat", async () => {
    const { host, requests } = recordingHost();
    await new ObservingManager(host).setChatAllowed(true);
    expect(requests).toEqual([{ name: 'observers:chat', payload: { allowed: true } }]);
  });
});
