import { ApiError } from '../api.js';
import type { MediaSignalling } from './media-session.js';

/**
 * The lead teacher starts the lesson: for the timetabled slot it was opened from (its session then counts
 * for that slot), else ad hoc. A slot the server refuses as a bad request (a stale link to another course's
 * slot) must not keep the teacher out: then she starts ad hoc. Any other refusal is the caller's.
 */
export async function startLesson(connection: MediaSignalling, courseId: number, scheduledLessonId: number | undefined, broadcast = false): Promise<void> {
  // Broadcast (直播) only when she chose it: a plain start keeps the request as it always was.
  const how = broadcast ? { broadcast: true } : {};
  if (scheduledLessonId === undefined) return void (await connection.request('lesson:start', { courseId, ...how }));
  try {
    await connection.request('lesson:start', { courseId, scheduledLessonId, ...how });
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'bad_request')) throw error;
    console.warn(`scheduled lesson ${scheduledLessonId} was refused; starting ad hoc`);
    await connection.request('lesson:start', { courseId, ...how });
  }
}
