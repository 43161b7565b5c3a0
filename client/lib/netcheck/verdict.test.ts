import { describe, expect, it } from 'vitest';
import { judge, NETCHECK_THRESHOLDS, type NetcheckFindings } from './verdict.js';

const fine: NetcheckFindings = {
  probes: { udp: { status: 'connected', ms: 120 }, tcp: { status: 'connected', ms: 180 }, turn: { status: 'skipped' } },
  rttMs: 40,
  downloadKbps: 8000,
  uploadKbps: 4000,
  mediaPorts: [49999],
};

describe('the network check verdict', () => {
  it('is good on a clean link with nothing for the network admin', () => {
    expect(judge(fine)).toEqual({ verdict: 'good', advice: [] });
  });

  it('stays good when only TCP reaches the media server, and tells the admin which UDP port to open', () => {
    const judgement = judge({ ...fine, probes: { ...fine.probes, udp: { status: 'failed' } } });
    expect(judgement).toEqual({ verdict: 'good', advice: [{ code: 'udp-blocked', ports: '49999' }] });
  });

  it('advises audio only on a village DSL link (1 Mbit/s shared, 300 ms+ round trip)', () => {
    expect(judge({ ...fine, rttMs: 620, downloadKbps: 700, uploadKbps: 300 })).toEqual({
      verdict: 'audio-only',
      advice: [
        { code: 'high-rtt', rttMs: 620 },
        { code: 'slow-download', kbps: 700 },
        { code: 'slow-upload', kbps: 300 },
      ],
    });
  });

  it('draws each line at the threshold itself: exactly the limit is still good', () => {
    const { goodRttMs, goodDownloadKbps, goodUploadKbps } = NETCHECK_THRESHOLDS;
    expect(judge({ ...fine, rttMs: goodRttMs, downloadKbps: goodDownloadKbps, uploadKbps: goodUploadKbps }).verdict).toBe('good');
    expect(judge({ ...fine, rttMs: goodRttMs + 1 }).verdict).toBe('audio-only');
    expect(judge({ ...fine, downloadKbps: goodDownloadKbps - 1 }).verdict).toBe('audio-only');
    expect(judge({ ...fine, uploadKbps: goodUploadKbps - 1 }).verdict).toBe('audio-only');
  });

  it('cannot connect when no way reaches the media server, naming every port and relay that failed', () => {
    const judgement = judge({ ...fine, mediaPorts: [49999, 49998], probes: { udp: { status: 'failed' }, tcp: { status: 'failed' }, turn: { status: 'failed' } } });
    expect(judgement).toEqual({
      verdict: 'unreachable',
      advice: [{ code: 'udp-blocked', ports: '49999, 49998' }, { code: 'tcp-blocked', ports: '49999, 49998' }, { code: 'turn-failed' }],
    });
  });

  it('cannot connect when the server itself does not answer, or the download is too slow for audio', () => {
    expect(judge({ ...fine, rttMs: null, downloadKbps: null, uploadKbps: null }).verdict).toBe('unreachable');
    expect(judge({ ...fine, rttMs: null }).advice[0]).toEqual({ code: 'server-unreachable' });
    expect(judge({ ...fine, downloadKbps: NETCHECK_THRESHOLDS.minimumDownloadKbps - 1 }).verdict).toBe('unreachable');
  });
});
