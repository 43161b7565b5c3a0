import { Type, type Static } from 'typebox';
import { IceServer } from '../lesson/protocol.js';

/*
 * The pre-join network check (issue #15): before joining, a classroom or student learns whether media can
 * reach Tongke's media server over UDP, over TCP and through TURN, the round trip, and a short download /
 * upload estimate against Tongke's own server. The browser connects to short-lived probe transports the
 * server opens on the same ports lessons use; every route needs a signed-in caller and is rate limited.
 */

/** How long a probe stays open before the server closes it, whatever the browser does. */
export const PROBE_LIFETIME_SECONDS = 20;
/** Probes one account may have open at once (a check opens at most three). */
export const MAX_OPEN_PROBES_PER_ACCOUNT = 3;
/** Probes one account may open per minute (a check opens three; a few re-runs fit). */
export const PROBES_PER_MINUTE = 30;
/** The most bytes one download or upload sample moves. */
export const MAX_SAMPLE_BYTES = 1024 * 1024;

/** The three ways media may reach the server. */
export const PROBE_KINDS = ['udp', 'tcp', 'turn'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

/** `GET /api/netcheck/plan`: what to probe, and what to tell the school's network admin. */
export const NetcheckPlan = Type.Object({
  /** TURN is configured on this server, so the TURN probe runs. */
  turnConfigured: Type.Boolean(),
  /** The media server's ports a school firewall must let through (the workers' WebRtcServer ports). */
  mediaPorts: Type.Object({ udp: Type.Array(Type.Integer()), tcp: Type.Array(Type.Integer()) }),
  /** The TURN URLs, for the admin text (no credentials). */
  turnUrls: Type.Array(Type.String()),
  /** Media workers run in this process: without them no probe can open. */
  mediaAvailable: Type.Boolean(),
});
export type NetcheckPlan = Static<typeof NetcheckPlan>;

/** `POST /api/netcheck/probes` body. */
export const OpenProbe = Type.Object({ kind: Type.Enum(PROBE_KINDS) }, { additionalProperties: false });
export type OpenProbe = Static<typeof OpenProbe>;

/** What the browser needs to connect to a probe with mediasoup-client (a send transport with a data channel). */
export const ProbeOpened = Type.Object({
  probeId: Type.String(),
  kind: Type.Enum(PROBE_KINDS),
  iceParameters: Type.Unknown(),
  iceCandidates: Type.Unknown(),
  dtlsParameters: Type.Unknown(),
  sctpParameters: Type.Unknown(),
  routerRtpCapabilities: Type.Unknown(),
  /** The same ICE servers a join gets; the TURN probe uses them with `iceTransportPolicy: 'relay'`. */
  iceServers: Type.Array(IceServer),
  iceTransportPolicy: Type.Enum(['all', 'relay']),
  expiresInSeconds: Type.Integer(),
});
export type ProbeOpened = Static<typeof ProbeOpened>;

/** A probe's id (the server's; an id that is not one of the caller's open probes is `not_found`). */
export const ProbeParams = Type.Object({ probeId: Type.String({ minLength: 1, maxLength: 64 }) });
export type ProbeParams = Static<typeof ProbeParams>;

/**
 * `POST /api/netcheck/probes/:probeId/connect` body: the browser's DTLS parameters, as mediasoup-client gives
 * them (their shape is checked by the media layer, as for a lesson's transports).
 */
export const ConnectProbe = Type.Object({ dtlsParameters: Type.Object({}, { additionalProperties: true }) }, { additionalProperties: false });
export type ConnectProbe = Static<typeof ConnectProbe>;

/** A probe's connection as the media server sees it. */
export const ProbeState = Type.Object({
  ice: Type.String(),
  dtls: Type.String(),
  /** The protocol of the ICE pair in use (the TURN probe's relay reaches the server over this). */
  protocol: Type.Union([Type.Literal('udp'), Type.Literal('tcp'), Type.Null()]),
});
export type ProbeState = Static<typeof ProbeState>;

/** `GET /api/netcheck/ping`: a tiny answer for round-trip samples. */
export const PingResponse = Type.Object({ serverTime: Type.Number() });

/** `GET /api/netcheck/download?bytes=`: that many bytes of octet-stream, never cached. */
export const DownloadQuery = Type.Object({ bytes: Type.Integer({ minimum: 1, maximum: MAX_SAMPLE_BYTES }) }, { additionalProperties: false });
export type DownloadQuery = Static<typeof DownloadQuery>;

/** `POST /api/netcheck/upload` (application/octet-stream, at most {@link MAX_SAMPLE_BYTES}): what arrived. */
export const UploadReceived = Type.Object({ bytes: Type.Integer() });
export type UploadReceived = Static<typeof UploadReceived>;
