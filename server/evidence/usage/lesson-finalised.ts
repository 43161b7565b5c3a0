import type { FastifyBaseLogger } from 'fastify';
import type { TongkeConfig } from '../../config.js';
import type { TongkeDb } from '../../db/store.js';
import { refreshLessonRollups } from './maintain.js';
import { lessonReportFinal, postLessonReportFinal } from './webhook.js';

/**
 * What happens when a lesson's evidence is complete (the capture recorder's `onLessonFinalised`): its
 * roll-ups are refreshed, then — when TONGKE_REPORT_WEBHOOK_URL is set — its final summary is POSTed,
 * signed, without holding anything up. The returned promise settles when the roll-ups are written (and
 * the summary read); it never rejects: a failed refresh or delivery is logged, not retried.
 */
export function onLessonFinalised(db: TongkeDb, config: Pick<TongkeConfig, 'deliveredMinMinutes' | 'reportWebhookUrl' | 'reportWebhookSecret'>, log: FastifyBaseLogger) {
  return async (lessonSessionId: number): Promise<void> => {
    try {
      await refreshLessonRollups(db, lessonSessionId);
    } catch (error) {
      log.error({ err: error, lessonSessionId }, 'refreshing the usage roll-ups of a finished lesson failed');
      return;
    }
    if (!config.reportWebhookUrl) return;
    const summary = await lessonReportFinal(db, lessonSessionId, config.deliveredMinMinutes).catch((error: unknown) => {
      log.error({ err: error, lessonSessionId }, 'reading the final lesson report failed');
      return null;
    });
    if (!summary) return;
    postLessonReportFinal({ url: config.reportWebhookUrl, secret: config.reportWebhookSecret }, summary).catch((error: unknown) =>
      log.warn({ err: error, lessonSessionId }, 'the report webhook was not delivered'),
    );
  };
}
