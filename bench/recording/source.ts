/**
 * The lesson the recording bench records: a lead teacher's camera (VP8 1280×720 at 25 fps, ~1 Mbit/s) and
 * microphone (Opus 48 kHz) as real RTP into a plain-transport producer of a real LessonMedia. Every
 * {@link SYNC_PERIOD_SECONDS} the picture flashes white and a beep sounds at the same instant, so the A/V
 * offset of a recording can be measured from the file alone.
 *
 * The media is encoded once into a file and then sent with `-re -c copy`: the source costs almost no CPU,
 * so what the bench sees on the cores is the recorders. FFmpeg's RTP muxer sends each stream from its own
 * socket, while a plain send transport (comedia) takes one source address; a relay socket in this process
 * forwards both streams and their RTCP sender reports (which recorders need for A/V sync) from one port.
 */
import type dgram from 'node:dgram';
import { existsSync, mkdirSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { LessonMedia } from '../../media/index.js';
import { opusParameters, vp8Parameters } from '../../media/testing/lesson.js';
import { LOOPBACK, OPUS_PAYLOAD_TYPE, VP8_PAYLOAD_TYPE, portOf, udpSocket } from '../../media/testing/rtp.js';
import { FFMPEG, FfmpegChild, runTool } from './ffmpeg.js';

export const FRAMES_PER_SECOND = 25;
export const SYNC_PERIOD_SECONDS = 2;
/** Long enough that a loop seam is rare; a multiple of the sync period so the flashes stay on the beat. */
const SOURCE_SECONDS = 20;
const VIDEO_SSRC = 0x7e01;
const AUDIO_SSRC = 0x7e02;
export const TEACHER = 'lead-teacher';

/** Makes (once per machine) the synthetic lesson file: test card + tone, white flash and beep every 2 s. */
export async function lessonFile(): Promise<string> {
  const folder = join(tmpdir(), 'tongke-bench-recording');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `lesson-${SOURCE_SECONDS}s-v1.webm`);
  if (existsSync(file)) return file;
  const flash = `lt(mod(t\\,${SYNC_PERIOD_SECONDS})\\,0.08)`;
  const beep = `lt(mod(t\\,${SYNC_PERIOD_SECONDS})\\,0.1)`;
  const { code, stderr } = await runTool(FFMPEG, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=s=1280x720:r=${FRAMES_PER_SECOND},drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='${flash}'`,
    // A quiet hum under the beeps (−34 dBFS) so the audio is never digital silence, as a classroom is not.
    '-f', 'lavfi', '-i', `aevalsrc='0.02*sin(2*PI*300*t)+if(${beep}\\,0.8*sin(2*PI*1000*t)\\,0)':s=48000:c=stereo`,
    '-t', String(SOURCE_SECONDS),
    '-c:v', 'libvpx', '-b:v', '1M', '-maxrate', '1.2M', '-g', String(2 * FRAMES_PER_SECOND), '-deadline', 'realtime', '-cpu-used', '8',
    '-c:a', 'libopus', '-b:a', '48k', `${file}.part.webm`,
  ]);
  if (code !== 0) throw new Error(`could not make the bench lesson file: ${stderr.trim().split('\n').at(-1)}`);
  await rename(`${file}.part.webm`, file);
  return file;
}

/** The teacher's camera and microphone flowing into the lesson. */
export interface LessonSource {
  readonly cameraProducerId: string;
  readonly micProducerId: string;
  /** RTP packets relayed into the lesson so far. */
  readonly relayed: () => number;
  close(): Promise<void>;
}

export async function startLessonSource(lesson: LessonMedia, file: string): Promise<LessonSource> {
  const relay = await udpSocket();
  const { id: transportId, port } = await lesson.createPlainTransport(TEACHER, { direction: 'send' });
  const cameraProducerId = await lesson.produce(TEACHER, { transportId, kind: 'video', source: 'camera', rtpParameters: vp8Parameters([VIDEO_SSRC]) });
  const micProducerId = await lesson.produce(TEACHER, {
    transportId,
    kind: 'audio',
    source: 'mic',
    // FFmpeg sends no audio-level extension; the producer simply does not get one.
    rtpParameters: { ...opusParameters(AUDIO_SSRC), headerExtensions: [] },
  });
  let relayed = 0;
  relay.on('message', (packet: Buffer) => {
    relayed++;
    relay.send(packet, port, LOOPBACK);
  });
  const to = `rtp://${LOOPBACK}:${portOf(relay)}?rtcpport=${portOf(relay)}&pkt_size=1200`;
  const sender = FfmpegChild.start([
    '-re', '-stream_loop', '-1', '-i', file,
    '-map', '0:v:0', '-c', 'copy', '-f', 'rtp', '-ssrc', String(VIDEO_SSRC), '-payload_type', String(VP8_PAYLOAD_TYPE), to,
    '-map', '0:a:0', '-c', 'copy', '-f', 'rtp', '-ssrc', String(AUDIO_SSRC), '-payload_type', String(OPUS_PAYLOAD_TYPE), to,
  ]);
  return {
    cameraProducerId,
    micProducerId,
    relayed: () => relayed,
    async close() {
      await sender.stop(2000);
      closeSocket(relay);
      // The producers go with the lesson when the bench closes it.
    },
  };
}

function closeSocket(socket: dgram.Socket): void {
  try {
    socket.close();
  } catch (error) {
    // Closed twice: nothing left to do.
    if ((error as NodeJS.ErrnoException).code !== 'ERR_SOCKET_DGRAM_NOT_RUNNING') throw error;
  }
}
