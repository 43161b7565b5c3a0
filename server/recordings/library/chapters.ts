import type { RecordingChapter } from '../../../shared/api/recordings.js';
import type { ChapterEvidence } from './repository.js';

/** At most this many chapters on one progress bar: a lesson of raised hands must not bury the rest. */
export const MAX_CHAPTERS = 200;

/**
 * The lesson's timeline as chapters of one recording: each moment as seconds into the recording (only those
 * inside its span), named as the lesson report's timeline names a site — its account, else its classroom.
 * A poll is one chapter, at its first answer, labelled with its number in the lesson ("1", "2", …).
 */
export function chaptersOf(
  evidence: readonly ChapterEvidence[],
  span: { startedAt: Date; endedAt: Date },
  names: { users: ReadonlyMap<number, string>; classrooms: ReadonlyMap<number, string> },
): RecordingChapter[] {
  const start = span.startedAt.getTime();
  const end = span.endedAt.getTime();
  const nameOf = (m: ChapterEvidence) =>
    (m.userId === null ? undefined : names.users.get(m.userId)) ?? (m.classroomId === null ? undefined : names.classrooms.get(m.classroomId)) ?? '—';
  const polls = new Map<string, number>();
  const chapters: RecordingChapter[] = [];
  for (const moment of [...evidence].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const ms = moment.at.getTime();
    if (ms < start || ms > end) continue;
    const atSeconds = Math.round((ms - start) / 100) / 10;
    if (moment.kind === 'poll_answer') {
      const poll = moment.pollId ?? '';
      if (polls.has(poll)) continue;
      polls.set(poll, polls.size + 1);
      chapters.push({ atSeconds, kind: 'poll', label: String(polls.size) });
    } else {
      chapters.push({ atSeconds, kind: moment.kind === 'screen_sharing' ? 'screen_share' : moment.kind, label: nameOf(moment) });
    }
  }
  return chapters.slice(0, MAX_CHAPTERS);
}
