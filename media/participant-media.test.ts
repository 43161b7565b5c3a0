import { describe, expect, it } from 'vitest';

import { ParticipantMedia } from './participant-media.js';

describe('ParticipantMedia link reports', () => {
  it('hands each browser report to one adaptation sample, adding up freezes of two reports between samples', () => {
    const site = new ParticipantMedia('village-classroom');
    site.reportLink({ lossPct: 4, freezeCount: 1, freezeMs: 300 });
    site.reportLink({ lossPct: 6, freezeCount: 2, freezeMs: 500, rttMs: 600 });
    expect(site.linkSample().report).toEqual({ lossPct: 6, freezeCount: 3, freezeMs: 800, rttMs: 600 });
    // Sampled once: the next sample has no report of its own, so no freeze is counted twice.
    expect(site.linkSample()).not.toHaveProperty('report');
  });
});
