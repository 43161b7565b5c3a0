import type { ReceiverLinkReport } from '../../media/index.js';
import type { LessonRequestPayload } from '../../shared/lesson/protocol.js';

/**
 * What link adaptation needs of a site's `quality:report`, as the plain numbers media/ takes (it knows no
 * protocol). Loss is the video's where the site receives video, since that is what a layer change helps.
 */
export function receiverLinkReport(report: LessonRequestPayload<'quality:report'>): ReceiverLinkReport {
  const lossPct = report.videoLossPct ?? report.packetLossPct;
  return {
    ...(lossPct !== undefined && { lossPct }),
    ...(report.rttMs !== undefined && { rttMs: report.rttMs }),
    ...(report.availableIncomingBitrate !== undefined && { availableBitrate: report.availableIncomingBitrate }),
    ...(report.freezeCount !== undefined && { freezeCount: report.freezeCount }),
    ...(report.freezeMs !== undefined && { freezeMs: report.freezeMs }),
    ...(report.framesPerSecond !== undefined && { framesPerSecond: report.framesPerSecond }),
    ...(report.frameHeight !== undefined && { frameHeight: report.frameHeight }),
  };
}
