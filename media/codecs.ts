import type { RtpCodecCapability } from './types.js';

/**
 * Codecs a lesson router offers: Opus for speech; VP8, which every browser encodes; and H264
 * Constrained Baseline (profile-level-id 42e01f, packetization-mode 1), the profile that devices with
 * only a hardware H264 encoder can send. `x-google-start-bitrate` (kbps) lets Chromium start sending
 * near a usable bitrate instead of ramping up from its low default.
 *
 * Treat it as read-only: mediasoup fills in defaults on the objects it is given, so the pool hands
 * mediasoup a copy.
 */
export const DEFAULT_MEDIA_CODECS: readonly RtpCodecCapability[] = [
  {
    kind: 'audio',
    mimeType: 'audio/opus',
    clockRate: 48000,
    channels: 2,
  },
  {
    kind: 'video',
    mimeType: 'video/VP8',
    clockRate: 90000,
    parameters: { 'x-google-start-bitrate': 1000 },
  },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
      'level-asymmetry-allowed': 1,
      'x-google-start-bitrate': 1000,
    },
  },
];
