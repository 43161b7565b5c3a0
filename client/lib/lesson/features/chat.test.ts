import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../../shared/lesson/model.js';
import { ChatManager } from './chat.svelte.js';
import { recordingHost } from './testing.js';

const message = (id: number): ChatMessage => ({ id: `m${id}`, participantId: 'a', displayName: '石桥村教学点', text: `消息 ${id}`, sentAt: '2026-11-30T01:00:00.000Z' });

describe('the chat manager', () => {
  it('adds a message once even when the snapshot already had it, and keeps the last 200', () => {
    const chat = new ChatManager(recordingHost().host);
    chat.fromSnapshot({ chat: [message(1)], chatEnabled: true });
    chat.events['chat:message'](message(1));
    chat.events['chat:message'](message(2));
    expect(chat.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
    for (let i = 3; i <= 250; i++) chat.events['chat:message'](message(i));
    expect(chat.messages).toHaveLength(200);
    expect(chat.messages[0]?.id).toBe('m51');
  });

  it('tells the room when the teacher turns chat off and on', () => {
    const { host, notices } = recordingHost();
    const chat = new ChatManager(host);
    chat.fromSnapshot({ chat: [], chatEnabled: true });
    chat.events['chat:enabled']({ enabled: false });
    expect(chat.enabled).toBe(false);
    chat.events['chat:enabled']({ enabled: true });
    expect(chat.enabled).toBe(true);
    expect(notices).toEqual(['info:live.notice.chatOff', 'info:live.notice.chatOn']);
  });

  it('sends a message and switches chat through the lesson requests', async () => {
    const { host, requests } = recordingHost(false);
    const chat = new ChatManager(host);
    expect(await chat.send('老师好')).toBe(false);
    await chat.setEnabled(false);
    expect(requests).toEqual([
      { name: 'chat:send', payload: { text: '老师好' } },
      { name: 'chat:set-enabled', payload: { enabled: false } },
    ]);
  });
});
