/**
 * The track writer with real FFmpeg on real RTP: FFmpeg encodes a test picture and tone and sends them as
 * RTP into a lesson's plain transport, a recording tap feeds each producer to a TrackWriter, and the
 * Matroska it writes ffprobes as one stream of the codec sent, as long as what was sent.
 */
import type { ChildProcess } from 'node:child_process';
import type dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { MediaWorkerPool, type LessonMedia } from '../../../media/index.js';
import { opusParameters, plainSender, recordingLogger, vp8Parameters } from '../../../media/testing/lesson.js';
import { LOOPBACK } from '../../../media/testing/rtp.js';
import { RtpPortAllocator } from './ports.js';
import { TrackWriter } from './track-writer.js';
import { FFMPEG, ffmpegSender, probe } from './testing.js';

const log = pino({ level: 'silent' });

describe('TrackWriter', () => {
  let pool: MediaWorkerPool;
  let lesson: LessonMedia;
  let dir: string;
  const sockets: dgram.Socket[] = [];
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongke-track-'));
    pool = await MediaWorkerPool.create({ workerCount: 1, rtcMinPort: 54200, rtcMaxPort: 54299, listenIp: LOOPBACK, announcedIp: '', webRtcServerPort: 54350, logger: recordingLogger([]) });
    lesson = await pool.createLessonMedia({ lessonId: 'track-lesson' });
  });

  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    pool.close();
    for (const socket of sockets.splice(0)) socket.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a VP8 camera and an Opus microphone each to a playable Matroska of the sent duration', async () => {
    const ports = new RtpPortAllocator({ min: 54400, max: 54489 });
    // Two senders (one FFmpeg each), so two participants: a participant has one send transport.
    const sender = await plainSender(lesson, 'lead-teacher', sockets);
    const mic = await plainSender(lesson, 'lead-teacher-mic', sockets);
    const camera = await lesson.produce('lead-teacher', { transportId: sender.transportId, kind: 'video', source: 'camera', rtpParameters: vp8Parameters([0x4000]) });
    const audioProducer = await lesson.produce('lead-teacher-mic', { transportId: mic.transportId, kind: 'audio', source: 'mic', rtpParameters: opusParameters(0x4001) });

    const writers: Array<{ writer: TrackWriter; path: string; kind: string; firstPacket: Promise<Date> }> = [];
    for (const [producerId, kind] of [[camera, 'video'], [audioProducer, 'audio']] as const) {
      const pair = ports.take();
      const tap = await lesson.recordProducer(producerId, { ip: LOOPBACK, ...pair });
      const path = join(dir, `${kind}.mkv`);
      const writer = TrackWriter.start({ ffmpegPath: FFMPEG, codec: tap.codec, ports: pair, outputPath: path, log });
      await writer.listening();
      const firstPacket = new Promise<Date>((resolve) => lesson.on('recording-flowing', (e) => e.consumerId === tap.consumerId && resolve(e.at)));
      await lesson.resumeRecording(tap.consumerId);
      writers.push({ writer, path, kind, firstPacket });
      // Until FFmpeg has a picture it asks for a key frame every second.
      const timer = setInterval(() => {
        if (writer.hasPicture) clearInterval(timer);
        else lesson.requestKeyFrame(tap.consumerId).catch(() => clearInterval(timer));
      }, 1000);
      writer.once('exited', () => clearInterval(timer));
    }
    // The senders go on for longer: the writers are stopped while media flows, as the recorder does.
    const SECONDS = 6;
    children.push(ffmpegSender('video', sender.port, 0x4000, 101, SECONDS + 4), ffmpegSender('audio', mic.port, 0x4001, 100, SECONDS + 4));
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));

    for (const { writer, path, kind, firstPacket } of writers) {
      expect(writer.hasPicture).toBe(true);
      const stoppedAt = Date.now();
      const exit = await writer.stop();
      expect(Date.now() - stoppedAt).toBeLessThan(2000);
      // FFmpeg stopped by a signal exits 255 once it has finished the file.
      expect(exit).toMatchObject({ expected: true, code: 255, signal: null });
      const { streams, duration } = probe(path);
      expect(streams).toHaveLength(1);
      expect(streams[0]).toMatchObject(kind === 'video' ? { codec_type: 'video', codec_name: 'vp8' } : { codec_type: 'audio', codec_name: 'opus' });
      // The file's time 0 is the first packet (the track's startedAt); it runs until it was stopped.
      const sent = (stoppedAt - (await firstPacket).getTime()) / 1000;
      expect(sent).toBeGreaterThan(2);
      expect(Math.abs(duration - sent), `${kind}: ${duration} s written, ${sent} s sent`).toBeLessThan(0.6);
    }
  }, 30_000);

  it('says FFmpeg crashed when it dies without being asked', async () => {
    const writer = TrackWriter.start({ ffmpegPath: FFMPEG, codec: { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: {} }, ports: { rtpPort: 54496, rtcpPort: 54497 }, outputPath: join(dir, 'a.mkv'), log });
    await writer.listening();
    process.kill(writer.pid!, 'SIGKILL');
    const exit = await new Promise((resolve) => writer.once('exited', resolve));
    expect(exit).toMatchObject({ expected: false, signal: 'SIGKILL' });
  });
});
