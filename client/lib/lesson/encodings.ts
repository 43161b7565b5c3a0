import type { types } from 'mediasoup-client';

/*
 * What each kind of site sends. The lead teacher's camera is what every classroom watches, so it goes out
 * in three simulcast layers and the SFU picks one per receiver (tile size, link); a classroom's or a
 * student's camera is mostly seen small, so two layers do. A screen share is text and slides: full
 * detail, few frames. Temporal layers (L1T3) let the SFU also drop frame rate before it drops size.
 */

/** Which sending profile a participant uses. */
export type SenderProfile = 'lead' | 'site';

/** Camera capture size per profile (the top simulcast layer). */
export const CAMERA_CAPTURE: Record<SenderProfile, MediaTrackConstraints> = {
  lead: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 24, max: 30 } },
  site: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 20, max: 25 } },
};

/** Simulcast layers, lowest first: 320×180 / 640×360 / 1280×720 for the lead teacher, 320×180 / 640×360 for a site. */
export const CAMERA_ENCODINGS: Record<SenderProfile, types.RtpEncodingParameters[]> = {
  lead: [
    { scaleResolutionDownBy: 4, maxBitrate: 150_000, maxFramerate: 15, scalabilityMode: 'L1T3' },
    { scaleResolutionDownBy: 2, maxBitrate: 500_000, maxFramerate: 24, scalabilityMode: 'L1T3' },
    { scaleResolutionDownBy: 1, maxBitrate: 1_200_000, maxFramerate: 30, scalabilityMode: 'L1T3' },
  ],
  site: [
    { scaleResolutionDownBy: 2, maxBitrate: 150_000, maxFramerate: 15, scalabilityMode: 'L1T3' },
    { scaleResolutionDownBy: 1, maxBitrate: 500_000, maxFramerate: 25, scalabilityMode: 'L1T3' },
  ],
};

export const CAMERA_CODEC_OPTIONS: types.ProducerCodecOptions = { videoGoogleStartBitrate: 1000 };

/** Screen share: up to 1080p at no more than 5 frames a second, one encoding. */
export const SCREEN_CAPTURE: MediaTrackConstraints = { width: { max: 1920 }, height: { max: 1080 }, frameRate: { max: 5 } };
export const SCREEN_ENCODINGS: types.RtpEncodingParameters[] = [{ maxBitrate: 1_500_000, maxFramerate: 5 }];

/** Speech: Opus with DTX (silence costs almost nothing) and in-band FEC (survives some loss). */
export const MIC_CAPTURE: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
export const MIC_CODEC_OPTIONS: types.ProducerCodecOptions = { opusDtx: true, opusFec: true, opusStereo: false };
