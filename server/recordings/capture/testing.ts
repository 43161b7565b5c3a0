/** Test-only helpers for the capture tests: FFmpeg as an RTP sender, and ffprobe. Never imported by production code. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { LOOPBACK } from '../../../media/testing/rtp.js';

export const FFMPEG = process.env.TONGKE_FFMPEG ?? 'ffmpeg';
export const FFPROBE = FFMPEG.replace(/ffmpeg$/, 'ffprobe');

/** ffprobe's streams and duration (s) of a file. */
export function probe(path: string): { streams: Array<{ codec_name: string; codec_type: string }>; duration: number } {
  const out = JSON.parse(execFileSync(FFPROBE, ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', path], { encoding: 'utf8' })) as {
    streams: Array<{ codec_name: string; codec_type: string }>;
    format: { duration?: string };
  };
  return { streams: out.streams, duration: Number(out.format.duration ?? 0) };
}

/**
 * FFmpeg sending a synthetic camera (VP8) or microphone (Opus) as RTP, in real time, to a plain transport.
 * Without RTCP: FFmpeg sends it from another local port, and a comedia transport would lock onto that one.
 */
export function ffmpegSender(kind: 'video' | 'audio', port: number, ssrc: number, payloadType: number, seconds: number): ChildProcess {
  const input =
    kind === 'video'
      ? ['-f', 'lavfi', '-i', `testsrc=size=320x240:rate=15:duration=${seconds}`, '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-g', '30']
      : ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`, '-c:a', 'libopus', '-ac', '2', '-b:a', '48k'];
  const args = ['-hide_banner', '-loglevel', 'error', '-re', ...input, '-ssrc', String(ssrc), '-payload_type', String(payloadType), '-rtpflags', 'skip_rtcp', '-f', 'rtp', `rtp://${LOOPBACK}:${port}?rtcpport=${port}`];
  return spawn(FFMPEG, args, { stdio: 'ignore' });
}

