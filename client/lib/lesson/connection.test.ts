import { createServer, type Server as HttpServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NODE_HINT } from '../../../shared/lesson/protocol.js';
import { ApiError } from '../api.js';
import { LessonConnection } from './connection.js';

/*
 * Several nodes: a `lesson_elsewhere` refusal sends the page's socket to the node it names (the hint the proxy
 * routes by), and a connection that fails drops the hint so that any node answers. A real Socket.IO server
 * plays the nodes: it tells a socket without the hint that the lesson is on node-b, and refuses node-gone.
 */
describe('LessonConnection following a lesson to its node', () => {
  let http: HttpServer;
  let io: Server;
  let url: string;
  const hints: Array<string | undefined> = [];
  /** The node a socket without a hint is sent to. */
  let runningOn = 'node-b';
  let connection: LessonConnection | null = null;

  beforeEach(async () => {
    // The page listens for the browser's offline event; Node has no window.
    (globalThis as { window?: EventTarget }).window ??= new EventTarget();
    hints.length = 0;
    runningOn = 'node-b';
    http = createServer();
    // node-gone's connections fail below Socket.IO, as the proxy's 502 for a dead node does (the client retries).
    io = new Server(http, { allowRequest: (request, allow) => allow(null, !request.url?.includes(`${NODE_HINT}=node-gone`)) });
    const lesson = io.of('/lesson');
    lesson.on('connection', (socket) => {
      const hint = socket.handshake.query[NODE_HINT] as string | undefined;
      hints.push(hint);
      socket.on('lesson:capabilities', (_payload: unknown, ack: (result: unknown) => void) => {
        if (hint === 'node-b') return ack({ ok: true, data: { routerRtpCapabilities: {}, lessonSessionId: 7 } });
        ack({ ok: false, error: { code: 'lesson_elsewhere', message: '这节课在另一台服务器上，正在转接…', node: runningOn } });
      });
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/lesson`;
  });

  afterEach(async () => {
    connection?.close();
    await io.close();
  });

  const open = () => {
    const connected: Array<() => void> = [];
    const errors: string[] = [];
    connection = new LessonConnection(
      { onConnected: () => connected.shift()?.(), onLost: () => undefined, onConnectError: (message) => errors.push(message) },
      'offline',
      url,
    );
    const nextConnect = () => new Promise<void>((resolve) => connected.push(resolve));
    return { connection, nextConnect, errors };
  };

  it('reconnects to the node a lesson_elsewhere names, and the request there succeeds', async () => {
    const { connection, nextConnect } = open();
    const first = nextConnect();
    connection.open();
    await first;
    expect(connection.nodeHint).toBeNull();
    const again = nextConnect();
    // The refusal is not the page's to show: it is a link to re-make, as when the network drops.
    await expect(connection.request('lesson:capabilities', { courseId: 1 })).rejects.toMatchObject({ code: 'network' } satisfies Partial<ApiError>);
    expect(connection.nodeHint).toBe('node-b');
    await again;
    expect(hints).toEqual([undefined, 'node-b']);
    await expect(connection.request('lesson:capabilities', { courseId: 1 })).resolves.toMatchObject({ lessonSessionId: 7 });
  });

  it('drops the hint when the node it names cannot be reached, so that any node answers next', async () => {
    runningOn = 'node-gone';
    const { connection, nextConnect, errors } = open();
    const first = nextConnect();
    connection.open();
    await first;
    const back = nextConnect();
    await expect(connection.request('lesson:capabilities', { courseId: 1 })).rejects.toMatchObject({ code: 'network' });
    // node-gone refuses the connection: the hint goes, and the next attempt reaches a node without it.
    await expect.poll(() => errors.length).toBeGreaterThan(0);
    expect(connection.nodeHint).toBeNull();
    runningOn = 'node-b';
    await back;
    expect(hints).toEqual([undefined, undefined]);
  });
});
