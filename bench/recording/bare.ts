/**
 * The baseline recorder: what someone would write with bare FFmpeg and the SFU's plain transports. The
 * camera and the microphone each go to a plain receiver (two transports, since one FFmpeg input socket
 * takes one stream), and ONE FFmpeg reads both from an SDP and copies them into one Matroska file — no
 * keyframe requests, no restarts, no per-track files, no rows.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ConsumerParameters, LessonMedia } from '../../media/index.js';
import { plainRtpCapabilities } from '../../media/testing/lesson.js';
import { udpPortTaken } from '../../server/recordings/capture/ports.js';
import { LOOPBACK, delay } from '../../media/testing/rtp.js';
import { FfmpegChild } from './ffmpeg.js';
import type { RecordingRun } from './recording-run.js';
import type { LessonSource } from './source.js';

/** Hands out pairs of loopback ports (RTP, RTCP) for FFmpeg to listen on, within the bench's range. */
export class PortPairs {
  #next: number;
  constructor(
    from: number,
    private readonly to: number,
  ) {
    this.#next = from;
  }

  take(): number {
    if (this.#next + 1 > this.to) throw new Error('the recording bench ran out of RTP ports');
    const port = this.#next;
    this.#next += 2;
    return port;
  }
}

function sdpLine(consumer: ConsumerParameters, port: number): string[] {
  const codec = consumer.rtpParameters.codecs[0];
  if (!codec) throw new Error(`consumer ${consumer.id} has no codec`);
  const name = codec.mimeType.split('/')[1];
  const channels = codec.channels ? `/${codec.channels}` : '';
  return [`m=${consumer.kind} ${port} RTP/AVP ${codec.payloadType}`, `a=rtpmap:${codec.payloadType} ${name}/${codec.clockRate}${channels}`];
}

/** Waits (bounded) until FFmpeg holds every port of its SDP. */
async function listening(ffmpeg: FfmpegChild, ports: readonly number[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    while (!(await udpPortTaken(port))) {
      if (Date.now() > deadline) throw new Error(`bare FFmpeg did not listen on ${port} within ${timeoutMs} ms: ${ffmpeg.stderrTail}`);
      await delay(40);
    }
  }
}

/** Starts a bare FFmpeg recording of the teacher's camera and microphone into `folder`. */
export async function startBareRecording(lesson: LessonMedia, source: LessonSource, folder: string, index: number, ports: PortPairs): Promise<RecordingRun> {
  const streams = [
    { participantId: `bare-${index}-camera`, producerId: source.cameraProducerId, port: ports.take() },
    { participantId: `bare-${index}-mic`, producerId: source.micProducerId, port: ports.take() },
  ];
  const consumers: ConsumerParameters[] = [];
  for (const stream of streams) {
    await lesson.createPlainTransport(stream.participantId, { direction: 'recv', remote: { ip: LOOPBACK, port: stream.port } });
    consumers.push(await lesson.consume(stream.participantId, { producerId: stream.producerId, rtpCapabilities: plainRtpCapabilities(lesson.rtpCapabilities) }));
  }
  const sdp = join(folder, `bare-${index}.sdp`);
  const sdpLines = ['v=0', `o=- 0 0 IN IP4 ${LOOPBACK}`, 's=bare recording', `c=IN IP4 ${LOOPBACK}`, 't=0 0'];
  consumers.forEach((consumer, i) => sdpLines.push(...sdpLine(consumer, streams[i]!.port)));
  writeFileSync(sdp, `${sdpLines.join('\r\n')}\r\n`);
  const file = join(folder, `bare-${index}.mkv`);
  const ffmpeg = FfmpegChild.start(['-protocol_whitelist', 'file,udp,rtp', '-i', sdp, '-map', '0', '-c', 'copy', '-y', file]);
  // FFmpeg binds its sockets once it has read the SDP; media sent before that is lost, not queued, and the
  // consumers' resume below is what asks the camera for the key frame FFmpeg needs to start its file.
  await listening(ffmpeg, streams.map((s) => s.port));
  for (const [i, consumer] of consumers.entries()) {
    const participantId = streams[i]!.participantId;
    if (consumer.kind === 'video') await lesson.setTile(participantId, consumer.id, { width: 1280, height: 720, visible: true });
    await lesson.resumeConsumer(participantId, consumer.id);
  }
  return {
    files: [file],
    offsetsMs: () => [0],
    cpuSeconds: () => ffmpeg.cpuSeconds(),
    diagnostics: () => ffmpeg.stderrTail,
    async stop() {
      const cpu = await ffmpeg.stop();
      for (const stream of streams) lesson.closeParticipant(stream.participantId);
      return cpu;
    },
  };
}
