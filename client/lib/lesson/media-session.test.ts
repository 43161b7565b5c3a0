/**
 * The media's side of coming back after a dropped signalling link (what LessonSession's rejoin relies on):
 * which transports it offers the server, how it drops what the server no longer holds, and which transports
 * get their ICE restarted. Real mediasoup-client transports, producers and consumers, on mediasoup-client's
 * own FakeHandler in place of the browser's RTCPeerConnection; the server's answers are its fake parameters.
 */
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import { Device, type types } from 'mediasoup-client';
import * as fakeParameters from 'mediasoup-client/fakeParameters';
import { FakeHandler } from 'mediasoup-client/handlers/FakeHandler';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LessonRequestName } from '../../../shared/lesson/protocol.js';
import { MediaSession, type MediaSignalling } from './media-session.js';

/** The lesson server as MediaSession meets it: every request answered, and remembered. */
class ScriptedServer {
  readonly requests: Array<{ name: LessonRequestName; payload: Record<string, unknown> }> = [];
  #producers = 0;

  readonly signalling: MediaSignalling = {
    request: (async (name: LessonRequestName, payload: Record<string, unknown>) => {
      this.requests.push({ name, payload });
      switch (name) {
        case 'transport:create':
          return fakeParameters.generateTransportRemoteParameters();
        case 'producer:create':
          return { producerId: `producer-${++this.#producers}` };
        case 'consumer:create': {
          const mime = payload.producerId === 'teacher-camera' ? 'video/VP8' : 'audio/opus';
          return { ...fakeParameters.generateConsumerRemoteParameters({ codecMimeType: mime }), producerId: payload.producerId, participantId: 'teacher', source: mime === 'video/VP8' ? 'camera' : 'mic' };
        }
        case 'transport:restart-ice':
          return { iceParameters: fakeParameters.generateTransportRemoteParameters().iceParameters };
        default:
          return {};
      }
    }) as MediaSignalling['request'],
  };

  /** The transports whose ICE restart was asked for, in order. */
  get restarted(): unknown[] {
    return this.requests.filter((r) => r.name === 'transport:restart-ice').map((r) => r.payload.transportId);
  }
}

/** The fake RTCPeerConnections under the transports, by direction: a test moves their ICE/DTLS state. */
type Handlers = Record<'send' | 'recv', FakeHandler | undefined>;

let server: ScriptedServer;
let handlers: Handlers;
let media: MediaSession;

async function loadedDevice(): Promise<Device> {
  const fake = FakeHandler.createFactory(fakeParameters);
  const handlerFactory: types.HandlerFactory = {
    ...fake,
    factory: (options) => {
      const handler = fake.factory(options) as FakeHandler;
      handlers[options.direction] = handler;
      return handler;
    },
  };
  const device = new Device({ handlerFactory });
  await device.load({ routerRtpCapabilities: fakeParameters.generateRouterRtpCapabilities() });
  return device;
}

const track = (kind: 'audio' | 'video') => new FakeMediaStreamTrack({ kind }) as unknown as MediaStreamTrack;
/** Lets the requests an event started reach the server. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A site sending its mic and camera and receiving the teacher's: both transports made and connected. */
async function sendingAndReceiving(): Promise<{ sendId: string; recvId: string; consumerIds: string[] }> {
  await media.openReceiving();
  await media.produce('mic', track('audio'), 'site');
  await media.produce('camera', track('video'), 'site');
  const consumerIds = [(await media.consume('teacher-mic')).consumerId, (await media.consume('teacher-camera')).consumerId];
  const ids = server.requests.filter((r) => r.name === 'transport:connect').map((r) => r.payload.transportId as string);
  for (const direction of ['send', 'recv'] as const) handlers[direction]!.setConnectionState('connected');
  const [recvId, sendId] = media.resumableTransportIds()!;
  expect(new Set(ids)).toEqual(new Set([sendId, recvId]));
  return { sendId: sendId!, recvId: recvId!, consumerIds };
}

beforeEach(async () => {
  server = new ScriptedServer();
  handlers = { send: undefined, recv: undefined };
  media = new MediaSession(await loadedDevice(), server.signalling, [], 'all', { onConsumerGone: () => undefined, onTransportState: () => undefined });
});

describe('the transports a rejoin offers the server (resumableTransportIds)', () => {
  it('offers none before there is a recv transport: without one nothing was received that could go on', async () => {
    expect(media.resumableTransportIds()).toBeNull();
  });

  it('offers the recv transport alone while nothing is sent, then the recv and the send transport', async () => {
    await media.openReceiving();
    const [recvId] = media.resumableTransportIds()!;
    expect(media.resumableTransportIds()).toEqual([recvId]);
    await media.produce('mic', track('audio'), 'site');
    const offered = media.resumableTransportIds()!;
    expect(offered).toHaveLength(2);
    expect(offered[0]).toBe(recvId);
    expect(offered[1]).not.toBe(recvId);
  });

  it('offers none once a transport failed (the server’s copy of it is no use either), or once the media is closed', async () => {
    await sendingAndReceiving();
    handlers.send!.setConnectionState('failed');
    expect(media.resumableTransportIds()).toBeNull();
    await settle();

    const other = new MediaSession(await loadedDevice(), server.signalling, [], 'all', { onConsumerGone: () => undefined, onTransportState: () => undefined });
    await other.openReceiving();
    expect(other.resumableTransportIds()).toHaveLength(1);
    other.close();
    expect(other.resumableTransportIds()).toBeNull();
  });
});

describe('back in step with what the server kept (reconcile)', () => {
  it('closes here the consumers and producers the server no longer holds, and says which went', async () => {
    const { consumerIds } = await sendingAndReceiving();
    const micId = media.producerId('mic')!;
    const gone = media.reconcile({ producerIds: [micId], consumerIds: [consumerIds[0]!] });
    expect(gone).toEqual({ consumerIds: [consumerIds[1]], sources: ['camera'] });
    expect(media.hasConsumer(consumerIds[0]!)).toBe(true);
    expect(media.hasConsumer(consumerIds[1]!)).toBe(false);
    expect(media.producerId('mic')).toBe(micId);
    expect(media.producerId('camera')).toBeNull();
  });

  it('keeps everything when the server kept everything', async () => {
    const { consumerIds } = await sendingAndReceiving();
    const producerIds = [media.producerId('mic')!, media.producerId('camera')!];
    expect(media.reconcile({ producerIds, consumerIds })).toEqual({ consumerIds: [], sources: [] });
    expect(consumerIds.every((id) => media.hasConsumer(id))).toBe(true);
  });
});

describe('ICE after a resumed join (restartIceIfDown)', () => {
  it('restarts ICE on a transport that went down with the socket, and only on that one', async () => {
    const { recvId } = await sendingAndReceiving();
    handlers.recv!.setConnectionState('disconnected');
    media.restartIceIfDown();
    await settle();
    // At once, not after the grace a `disconnected` transport gets when the socket is up.
    expect(server.restarted).toEqual([recvId]);
  });

  it('asks for no restart while both transports are connected', async () => {
    await sendingAndReceiving();
    media.restartIceIfDown();
    await settle();
    expect(server.restarted).toEqual([]);
  });

  it('restarts a failed transport once, however often it is asked while the restart is on its way', async () => {
    const { sendId } = await sendingAndReceiving();
    handlers.send!.setConnectionState('failed');
    media.restartIceIfDown();
    media.restartIceIfDown();
    await settle();
    expect(server.restarted).toEqual([sendId]);
  });
});
