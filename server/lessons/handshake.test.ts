import { describe, expect, it } from 'vitest';
import { originAllowed, SocketsPerAccount } from './handshake.js';

const PUBLIC_URL = 'https://tongke.example.cn';

describe('the lesson socket handshake', () => {
  it('admits our own pages: the public URL, the host asked for (also through the Vite dev proxy), and no Origin at all', () => {
    expect(originAllowed({ origin: 'https://tongke.example.cn', host: '127.0.0.1:8080' }, PUBLIC_URL)).toBe(true); // behind a proxy that rewrites Host
    expect(originAllowed({ origin: 'http://localhost:5173', host: 'localhost:5173' }, PUBLIC_URL)).toBe(true); // vite proxy keeps Host
    expect(originAllowed({ origin: 'http://192.168.1.20:8080', host: '192.168.1.20:8080' }, PUBLIC_URL)).toBe(true);
    expect(originAllowed({ host: 'tongke.example.cn' }, PUBLIC_URL)).toBe(true);
  });

  it('refuses a page of another site, a look-alike, another port, and opaque origins', () => {
    expect(originAllowed({ origin: 'https://evil.example', host: 'tongke.example.cn' }, PUBLIC_URL)).toBe(false);
    expect(originAllowed({ origin: 'https://tongke.example.cn.evil.example', host: 'x' }, PUBLIC_URL)).toBe(false);
    expect(originAllowed({ origin: 'http://localhost:9999', host: 'localhost:8080' }, PUBLIC_URL)).toBe(false);
    expect(originAllowed({ origin: 'null', host: 'tongke.example.cn' }, PUBLIC_URL)).toBe(false);
    expect(originAllowed({ origin: 'file://', host: 'tongke.example.cn' }, PUBLIC_URL)).toBe(false);
    expect(originAllowed({ origin: 'https://tongke.example.cn:8443', host: 'other' }, PUBLIC_URL)).toBe(false);
  });

  it('keeps the newest sockets of an account up to the limit, closing the oldest', () => {
    const sockets = new SocketsPerAccount(2);
    const closed: string[] = [];
    for (const id of ['a', 'b', 'c', 'd']) sockets.add(1, id, () => closed.push(id));
    sockets.add(2, 'x', () => closed.push('x'));
    expect(closed).toEqual(['a', 'b']);
    expect(sockets.count(1)).toBe(2);
    sockets.remove(1, 'c');
    sockets.remove(1, 'c'); // twice is harmless
    sockets.add(1, 'e', () => closed.push('e'));
    expect(closed).toEqual(['a', 'b']);
    expect([sockets.count(1), sockets.count(2)]).toEqual([2, 1]);
  });
});
