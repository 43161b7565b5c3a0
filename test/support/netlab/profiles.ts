/**
 * Links named after the ones Tongke's teaching points really have. Delay is one way (the round trip is
 * twice it), loss applies to each direction on its own, and the queue is what a home router buffers in
 * front of its rate limit. Every profile sets both directions and the flapping as a whole, so switching
 * profile never keeps a part of the previous one.
 */
import type { Impairment } from './impairment.js';
import type { FlapSchedule, LinkSetting } from './protocol.js';

export type ProfileName = 'clean' | 'village-4g' | 'village-dsl-bad' | 'flapping' | 'udp-blocked' | 'tcp-443-only';

/** A profile's full setting: both directions and the flapping (null = steady). */
export type LinkProfile = Required<LinkSetting>;

const both = (impairment: Partial<Impairment>, flap: FlapSchedule | null = null): LinkProfile => ({ downlink: impairment, uplink: impairment, flap });

/** Down for 3–12 s once a minute, as a flaky village line; `flapping()` fits the schedule into a bounded test. */
export const FLAPPING_EVERY_MINUTE: FlapSchedule = { everyMs: 60_000, downMs: [3_000, 12_000] };

export const PROFILES: Record<ProfileName, LinkProfile> = {
  clean: both({}),
  /** 2 Mbit/s, ~80 ms round trip with a little jitter, 1 % loss. */
  'village-4g': both({ rateKbit: 2_000, queueBytes: 50_000, delayMs: 40, jitterMs: 10, loss: 0.01 }),
  /** 1 Mbit/s, ~300 ms round trip, 5 % loss — the link NETWORK-LAB.md measured today's Tongke on. */
  'village-dsl-bad': both({ rateKbit: 1_000, queueBytes: 37_500, delayMs: 150, jitterMs: 20, loss: 0.05 }),
  flapping: both({}, FLAPPING_EVERY_MINUTE),
  /** A school firewall that lets no UDP through (packets vanish). */
  'udp-blocked': both({ dropUdp: true }),
  /** Only TCP to or from port 443 (HTTPS, TURN over TCP on 443); everything else vanishes. */
  'tcp-443-only': both({ allowTcpPorts: [443] }),
};

/** The flapping profile with a schedule of the test's own (e.g. down 3 s, starting 1 s from now). */
export function flapping(schedule: FlapSchedule): LinkProfile {
  return both({}, schedule);
}

/** Only TCP to or from `ports` passes (tcp-443-only with other ports, for tests that cannot bind 443). */
export function tcpOnly(ports: number[]): LinkProfile {
  return both({ allowTcpPorts: ports });
}
