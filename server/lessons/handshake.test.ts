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

  it('counts sockets per account up to the limit and frees a place on close', () => {
    const sockets = new SocketsPerAccount(2);
    expect([sockets.add(1, 'a'), sockets.add(1, 'b'), sockets.add(1, 'c'), sockets.add(2, 'd')]).toEqual([true, true, false, true]);
    expect(sockets.full(1)).toBe(true);
    sockets.remove(1, 'a');
    sockets.remove(1, 'a'); // twice is harmless
    expect(sockets.add(1, 'e')).toBe(true);
    expect(sockets.full(1)).toBe(true);
  });
});
