import { RenderFailed, runTool } from './process.js';

/*
 * What ffprobe says about a file. A track file's header cannot be trusted for its length: a recorder
 * killed mid-write leaves no duration at all, and a file cut short by a full disk keeps the header of a
 * longer one. So a track's length is read from its packets (demuxing only, fast: an hour of video is a few
 * seconds), which is what FFmpeg will actually find when it renders.
 */

/** The media in a track file: from its first packet to the end of its last, ms; null when it holds none. */
export async function trackMediaMs(ffprobe: string, path: string, signal?: AbortSignal): Promise<number | null> {
  let first: number | null = null;
  let end: number | null = null;
  const run = await runTool(ffprobe, ['-v', 'error', '-select_streams', '0', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', path], {
    signal,
    onLine: (line) => {
      const [pts, duration] = line.split(',').map(Number);
      if (pts === undefined || !Number.isFinite(pts)) return;
      first = first === null ? pts : Math.min(first, pts);
      const packetEnd = pts + (duration !== undefined && Number.isFinite(duration) ? duration : 0);
      end = end === null ? packetEnd : Math.max(end, packetEnd);
    },
  });
  // A truncated file makes ffprobe complain ("File ended prematurely") and still list every whole packet.
  if (first === null || end === null) {
    if (run.code !== 0 && !/ended prematurely|truncat|EBML|Invalid data/i.test(run.stderrTail)) throw new RenderFailed('render_failed', `ffprobe failed on ${path}: ${run.stderrTail}`);
    return null;
  }
  return Math.round(((end as number) - (first as number)) * 1000);
}

/** A rendition as ffprobe measures it. */
export interface RenditionProbe {
  videoStreams: number;
  audioStreams: number;
  width: number | null;
  height: number | null;
  durationMs: number;
  /** The whole file's bitrate (video + audio + container), bit/s. */
  bitrate: number;
}

interface ProbeJson {
  streams?: Array<{ codec_type?: string; width?: number; height?: number }>;
  format?: { duration?: string; bit_rate?: string };
}

export async function probeRendition(ffprobe: string, path: string, signal?: AbortSignal): Promise<RenditionProbe> {
  let text = '';
  const run = await runTool(ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_type,width,height:format=duration,bit_rate', '-of', 'json', path], {
    signal,
    onLine: (line) => (text += line),
  });
  if (run.code !== 0) throw new RenderFailed('render_failed', `ffprobe could not read ${path}: ${run.stderrTail}`);
  const json = JSON.parse(text) as ProbeJson;
  const streams = json.streams ?? [];
  const video = streams.filter((s) => s.codec_type === 'video');
  return {
    videoStreams: video.length,
    audioStreams: streams.filter((s) => s.codec_type === 'audio').length,
    width: video[0]?.width ?? null,
    height: video[0]?.height ?? null,
    durationMs: Math.round(Number(json.format?.duration ?? 0) * 1000),
    bitrate: Math.round(Number(json.format?.bit_rate ?? 0)),
  };
}
