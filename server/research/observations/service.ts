import { LIVE_NOTE_GRACE_MS, type MyObservations, type ObservationNote, type ObservationNoteCreate, type ObservationRecording, type ObservationView } from '../../../shared/api/research-observations.js';
import type { ObservationMode } from '../../../shared/api/research.js';
import type { Access } from '../../core/access.js';
import { invalidField } from '../../core/constraints.js';
import { ApiError, forbidden, notFound } from '../../core/errors.js';
import { toShanghaiIso } from '../../evidence/metrics.js';
import type { Places } from '../../organisation/places.js';
import type { PolicyTarget } from '../../policy/policy.js';
import type { NoteRow, ObservationRow, ObservationsRepository, ObservedLesson } from './repository.js';

/**
 * 听课笔记: opening one's observation of a lesson (live or from its recording) and writing notes stamped with
 * lesson time. Who may observe is the policy's `course.observe`; a note belongs to its observer alone, and
 * nothing changes once the lesson's review closed (the review part closes it; this only reads the row).
 */
export class ObservationNotesService {
  constructor(
    private readonly repo: ObservationsRepository,
    private readonly places: Places,
  ) {}

  /** Opens (once) her observation of the lesson and returns it with her notes. */
  async open(lessonSessionId: number, mode: ObservationMode, access: Access, now = new Date()): Promise<ObservationView> {
    const lesson = await this.#observable(lessonSessionId, access);
    await this.repo.open(lessonSessionId, access.principal.userId, mode);
    const observation = (await this.repo.ofObserver(lessonSessionId, access.principal.userId))!;
    return this.#view(observation, lesson, access, now);
  }

  /** Her observation of the lesson, or not_found when she has not opened one. */
  async ofLesson(lessonSessionId: number, access: Access, now = new Date()): Promise<ObservationView> {
    const lesson = await this.#observable(lessonSessionId, access);
    const observation = await this.repo.ofObserver(lessonSessionId, access.principal.userId);
    if (!observation) throw notFound();
    return this.#view(observation, lesson, access, now);
  }

  async addNote(observationId: number, note: ObservationNoteCreate, access: Access, now = new Date()): Promise<ObservationNote> {
    const { observation, lesson } = await this.#writable(observationId, access, now);
    const latest = lessonLength(lesson, now);
    if (note.atMs > latest) throw invalidField('atMs', `the lesson lasts ${Math.floor(latest / 1000)} s: a note is stamped between 0 and ${latest} ms of lesson time`);
    return noteView(await this.repo.addNote(observation.id, { atMs: note.atMs, text: note.text.trim(), mode: note.mode }, now));
  }

  async updateNote(observationId: number, noteId: number, text: string, access: Access, now = new Date()): Promise<ObservationNote> {
    const { observation } = await this.#writable(observationId, access, now);
    if (!(await this.repo.note(observation.id, noteId))) throw notFound();
    await this.repo.updateNote(observation.id, noteId, text.trim(), now);
    return noteView((await this.repo.note(observation.id, noteId))!);
  }

  async deleteNote(observationId: number, noteId: number, access: Access, now = new Date()): Promise<void> {
    const { observation } = await this.#writable(observationId, access, now);
    if (!(await this.repo.note(observation.id, noteId))) throw notFound();
    await this.repo.deleteNote(observation.id, noteId);
  }

  /** 我的听课: her observations, newest lesson first. */
  async mine(access: Access): Promise<MyObservations> {
    const rows = await this.repo.mine(access.principal.userId);
    return {
      items: rows.map((row) => ({
        id: row.id,
        lessonSessionId: row.lessonSessionId,
        courseId: row.courseId,
        mode: row.mode,
        courseName: row.courseName,
        schoolName: row.schoolName,
        teacherName: row.teacherName,
        lessonStartedAt: toShanghaiIso(row.startedAt),
        lessonEndedAt: row.endedAt ? toShanghaiIso(row.endedAt) : null,
        notesCount: Number(row.notesCount),
        submitted: row.submittedAt !== null,
      })),
    };
  }

  /** The lesson, if it is one (not a research meeting) and the caller may observe its course. */
  async #observable(lessonSessionId: number, access: Access): Promise<ObservedLesson> {
    const lesson = await this.repo.lesson(lessonSessionId);
    if (!lesson || lesson.researchSessionId !== null) throw notFound();
    if (!access.can('course.observe', await this.#target(lesson.courseId, access))) throw forbidden();
    return lesson;
  }

  /** Her own observation (anyone else's is forbidden), still observable by her, its review still open. */
  async #writable(observationId: number, access: Access, now: Date): Promise<{ observation: ObservationRow; lesson: ObservedLesson }> {
    const observation = await this.repo.observation(observationId);
    if (!observation) throw notFound();
    // A note is its observer's alone: not the lead teacher's, not an admin's, not another observer's.
    if (observation.observerId !== access.principal.userId) throw forbidden();
    const lesson = await this.#observable(observation.lessonSessionId, access);
    if (await this.#reviewClosed(lesson.lessonSessionId, now)) throw new ApiError('conflict', {}, [{ path: 'observation', message: 'the review of this lesson has closed: its notes no longer change' }]);
    return { observation, lesson };
  }

  async #reviewClosed(lessonSessionId: number, now: Date): Promise<boolean> {
    const review = await this.repo.review(lessonSessionId);
    return review !== undefined && (review.closedAt !== null || review.closesAt.getTime() <= now.getTime());
  }

  async #target(courseId: number, access: Access): Promise<PolicyTarget> {
    return this.places.observation(courseId, access.principal.grants);
  }

  async #view(observation: ObservationRow, lesson: ObservedLesson, access: Access, now: Date): Promise<ObservationView> {
    return {
      id: observation.id,
      lessonSessionId: lesson.lessonSessionId,
      courseId: lesson.courseId,
      mode: observation.mode,
      courseName: lesson.courseName,
      schoolName: lesson.schoolName,
      leadTeacher: { id: lesson.teacherId, name: lesson.teacherName },
      lessonStartedAt: toShanghaiIso(lesson.startedAt),
      lessonEndedAt: lesson.endedAt ? toShanghaiIso(lesson.endedAt) : null,
      recordings: await this.#recordings(lesson, access),
      submitted: observation.submittedAt !== null,
      reviewClosed: await this.#reviewClosed(lesson.lessonSessionId, now),
      notes: (await this.repo.notes(observation.id)).map(noteView),
    };
  }

  /** The lesson's recordings she may watch (`recording.watch`), placed on the lesson's timeline. */
  async #recordings(lesson: ObservedLesson, access: Access): Promise<ObservationRecording[]> {
    const rows = await this.repo.recordings(lesson.lessonSessionId);
    if (rows.length === 0) return [];
    const index = await this.places.index();
    const course = await this.places.course(lesson.courseId);
    const viewerPlaces = index.placesOf(access.principal.grants);
    return rows
      .filter((row) => access.can('recording.watch', { kind: 'recording', recording: { course, visibility: row.visibility, viewerPlaces } }))
      .map((row) => ({ id: row.id, title: row.title, offsetMs: row.startedAt.getTime() - lesson.startedAt.getTime(), durationMs: row.durationMs, ready: row.status === 'ready' }));
  }
}

/** How far into the lesson a note may be stamped: its whole length, or (live) until now and a little more. */
export function lessonLength(lesson: { startedAt: Date; endedAt: Date | null }, now: Date): number {
  if (lesson.endedAt) return Math.max(0, lesson.endedAt.getTime() - lesson.startedAt.getTime());
  return Math.max(0, now.getTime() - lesson.startedAt.getTime()) + LIVE_NOTE_GRACE_MS;
}

function noteView(row: NoteRow): ObservationNote {
  return { id: row.id, atMs: row.atMs, mode: row.mode, text: row.text, createdAt: toShanghaiIso(row.createdAt), updatedAt: toShanghaiIso(row.updatedAt) };
}
