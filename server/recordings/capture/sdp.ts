import type { RecordedCodec } from '../../../media/index.js';

/**
 * The SDP FFmpeg reads to receive one recording tap: one media section on the receiver's ports, the
 * codec's payload type, clock and parameters exactly as mediasoup sends them.
 */
export function trackSdp(codec: RecordedCodec, ports: { rtpPort: number; rtcpPort: number }, ip = '127.0.0.1'): string {
  const [kind, name] = codec.mimeType.split('/') as [string, string];
  const channels = codec.channels && codec.channels > 1 ? `/${codec.channels}` : '';
  const parameters = Object.entries(codec.parameters)
    .filter(([key]) => !key.startsWith('x-google'))
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(';');
  return [
    'v=0',
    `o=- 0 0 IN IP4 ${ip}`,
    's=Tongke recorded track',
    `c=IN IP4 ${ip}`,
    't=0 0',
    `m=${kind} ${ports.rtpPort} RTP/AVP ${codec.payloadType}`,
    `a=rtcp:${ports.rtcpPort}`,
    `a=rtpmap:${codec.payloadType} ${name}/${codec.clockRate}${channels}`,
    ...(parameters ? [`a=fmtp:${codec.payloadType} ${parameters}`] : []),
    'a=recvonly',
    '',
  ].join('\r\n');
}
