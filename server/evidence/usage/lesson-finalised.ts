import type { FastifyBaseLogger } from 'fastify';
import type { TongkeConfig } from '../../config.js';
import type { TongkeDb } from '../../db/store.js';
import { refreshLessonRollups } from './maintain.js';
import { lessonReportFinal, postLessonReportFinal } from './webhook.js';

/**
 * What happens when a lesson's evidence is complete (the capture recorder's `onLessonFinalised`): its
 * roll-ups are refreshed, then — when TONGKE_REPORT_WEBHOOK_URL is set — its final summary is POSTed,
 * signed, without holding anything up. A failed delivery is logged, not retried.
 */
export function onLessonFinalised(db: TongkeDb, config: Pick<TongkeConfig, 'deliveredMinMinutes' | 'reportWebhookUrl' | 'reportWebhookSecret'>, log: FastifyBaseLogger) {
  return (lessonSessionId: number): void => {
    refreshLessonRollups(db, lessonSessionId);
    if (!config.reportWebhookUrl) return;
    const summary = lessonReportFinal(db, lessonSessionId, config.deliveredMinMinutes);
    if (!summary) return;
    postLessonReportFinal({ url: config.reportWebhookUrl, secret: config.reportWebhookSecret }, summary).catch((error: unknown) =>
      log.warn({ err: error, lessonSessionId }, 'the report webhook was not delivered'),
    );
  };
}
