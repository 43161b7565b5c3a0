import { createHmac, randomUUID } from 'node:crypto';
import type { TongkeDb } from '../../db/store.js';
import { RollupRepository } from './rollup-repository.js';

/** Where final lesson reports are POSTed, and the key their bodies are signed with. */
export interface ReportWebhook {
  url: string;
  secret: string;
}

/** The body of a `lesson.report.final` delivery. Minutes are whole minutes of connected time. */
export interface LessonReportFinal {
  event: 'lesson.report.final';
  lessonSessionId: number;
  courseId: number;
  subject: string;
  kind: string;
  lessonMinutes: number;
  /** The lesson ran at least the configured minutes. */
  delivered: boolean;
  sites: Array<{ siteKind: string; schoolId: number; classroomId: number | null; connectedMinutes: number; studentsExpected: number; studentsPresent: number }>;
  sentAt: string;
}

export const SIGNATURE_HEADER = 'x-tongke-signature';

/** `sha256=<hex HMAC-SHA256 of the raw body>`: a receiver recomputes it with the shared secret and compares. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** The final usage summary of one lesson, from its roll-up rows (null when it has none). */
export async function lessonReportFinal(db: TongkeDb, lessonSessionId: number, deliveredMinMinutes: number, now = new Date()): Promise<LessonReportFinal | null> {
  const rows = (await new RollupRepository(db).lessonRollupRows(lessonSessionId)).filter((r) => r.lessonStart);
  const first = rows[0];
  if (!first) return null;
  return {
    event: 'lesson.report.final',
    lessonSessionId,
    courseId: first.courseId,
    subject: first.subject,
    kind: first.kind,
    lessonMinutes: Math.round(first.lessonSeconds / 60),
    delivered: first.lessonSeconds >= deliveredMinMinutes * 60,
    sites: rows.map((r) => ({
      siteKind: r.siteKind,
      schoolId: r.schoolId,
      classroomId: r.classroomId,
      connectedMinutes: Math.round(r.siteLessonSeconds / 60),
      studentsExpected: r.attendanceExpected,
      studentsPresent: r.attendancePresent,
    })),
    sentAt: now.toISOString(),
  };
}

/**
 * POSTs the summary as JSON with its HMAC signature (and a delivery id to de-duplicate retries). Rejects
 * when the receiver does not answer 2xx within ten seconds; the caller logs it.
 */
export async function postLessonReportFinal(webhook: ReportWebhook, summary: LessonReportFinal, fetchImpl: typeof fetch = fetch): Promise<void> {
  const body = JSON.stringify(summary);
  const response = await fetchImpl(webhook.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signBody(body, webhook.secret),
      'x-tongke-event': summary.event,
      'x-tongke-delivery': randomUUID(),
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`the report webhook answered ${response.status}`);
}
