import {
  recordingMediaUrl,
  RECORDING_STATUSES,
  type RecordingDetail,
  type RecordingList,
  type RecordingPolicy,
  type RecordingQuery,
  type RecordingRendition,
  type RecordingUpdate,
  type RecordingView,
  type RenditionView,
} from '../../../shared/api/recordings.js';
import type { Access } from '../../core/access.js';
import { ApiError, forbidden, notFound } from '../../core/errors.js';
import { toShanghaiIso } from '../../evidence/metrics.js';
import type { Places } from '../../organisation/places.js';
import type { CourseFacts, PolicyTarget } from '../../policy/policy.js';
import { renditionKey, type RecordingStore } from '../storage.js';
import { chaptersOf } from './chapters.js';
import type { LibraryRepository, RecordingRow } from './repository.js';

/** Recordings on one page of the library. */
export const LIBRARY_PAGE_SIZE = 24;

/** The picture size of each rendition, as the render job makes them (720p for Chromium and Safari, 360p for village links). */
const RENDITION_SIZE: Record<RecordingRendition, { width: number; height: number }> = { high: { width: 1280, height: 720 }, low: { width: 640, height: 360 } };

/** Statuses a viewer finds in the library; the teacher's own list (`mine`) shows every one. */
const WATCHABLE = ['ready'] as const;

/**
 * The library (名校网络课堂 点播) and replay: lists what the caller may watch (`recording.watch`), one
 * recording with its chapters, and the lead teacher's or an admin's changes (`recording.manage`). The
 * policy decides per recording; this service loads the facts it decides on.
 */
export class LibraryService {
  constructor(
    private readonly repo: LibraryRepository,
    private readonly places: Places,
    private readonly store: RecordingStore,
  ) {}

  async list(query: RecordingQuery, access: Access): Promise<RecordingList> {
    const rows = await this.repo.find({ ...query, statuses: query.mine ? RECORDING_STATUSES : WATCHABLE });
    const targets = await this.#targets(rows, access);
    const shown = rows.filter((row) => {
      const target = targets.get(row.id);
      return target !== undefined && access.can(query.mine ? 'recording.manage' : 'recording.watch', target);
    });
    const page = query.page ?? 1;
    const items = shown.slice((page - 1) * LIBRARY_PAGE_SIZE, page * LIBRARY_PAGE_SIZE);
    const named = (pairs: Array<[number, string]>) => [...new Map(pairs)].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
    return {
      items: items.map((row) => this.#view(row, access.can('recording.manage', targets.get(row.id)!))),
      total: shown.length,
      page,
      pageSize: LIBRARY_PAGE_SIZE,
      facets: { schools: named(shown.map((r) => [r.schoolId, r.schoolName])), teachers: named(shown.map((r) => [r.teacherId, r.teacherName])) },
    };
  }

  async detail(id: number, access: Access): Promise<RecordingDetail> {
    const { row, target } = await this.#authorized(id, 'recording.watch', access);
    const view = this.#view(row, access.can('recording.manage', target));
    // Observing the recorded lesson (听课 from the library) is the course's rule, not the recording's.
    const canObserve = target.kind === 'recording' && access.can('course.observe', { kind: 'observation', observation: { course: target.recording.course, viewerPlaces: target.recording.viewerPlaces } });
    if (row.status === 'deleted') return { recording: view, chapters: [], canObserve };
    const endedAt = row.endedAt ?? new Date(row.startedAt.getTime() + (row.durationMs ?? 0));
    const evidence = await this.repo.chapterEvidence(row.lessonSessionId, row.startedAt, endedAt);
    const ids = (values: Array<number | null>) => [...new Set(values.filter((v): v is number => v !== null))];
    const names = await this.repo.names(ids(evidence.map((e) => e.userId)), ids(evidence.map((e) => e.classroomId)));
    return { recording: view, chapters: chaptersOf(evidence, { startedAt: row.startedAt, endedAt }, names), canObserve };
  }

  async update(id: number, change: RecordingUpdate, access: Access, now = new Date()): Promise<RecordingView> {
    const { row } = await this.#authorized(id, 'recording.manage', access);
    if (row.status === 'deleted') throw new ApiError('conflict');
    // Only a playable recording goes to the library: a viewer would find nothing to play.
    if (change.visibility && row.status !== 'ready') throw new ApiError('conflict');
    if (change.title !== undefined) await this.repo.rename(id, change.title.trim() || row.title);
    if (change.visibility !== undefined) await this.repo.publish(id, change.visibility, access.principal.userId, now);
    const { row: changed } = await this.#authorized(id, 'recording.manage', access);
    return this.#view(changed, true);
  }

  /** Removes the recording's files; its row stays (`deleted`) for the viewing evidence that names it. */
  async remove(id: number, access: Access, now = new Date()): Promise<void> {
    const { row } = await this.#authorized(id, 'recording.manage', access);
    if (row.status === 'deleted') return;
    // Still being written or made: the recorder or the render job holds its files.
    if (row.status === 'recording' || row.status === 'processing') throw new ApiError('conflict');
    await this.store.removeRecording(row.lessonSessionId, row.id);
    await this.repo.markDeleted(id, now);
  }

  /** A lesson's recordings that the caller may watch (the lesson report links to them). */
  async ofLesson(lessonSessionId: number, access: Access): Promise<RecordingView[]> {
    const courseId = await this.repo.lessonCourse(lessonSessionId);
    if (courseId === undefined) throw notFound();
    const course = await this.places.course(courseId);
    // Whoever may open the lesson's report (its own figures at least) may ask what was recorded of it.
    if (!access.can('reports.read_own', { kind: 'course', course })) throw forbidden();
    const rows = await this.repo.ofLesson(lessonSessionId);
    const targets = await this.#targets(rows, access);
    return rows.filter((row) => access.can('recording.watch', targets.get(row.id)!)).map((row) => this.#view(row, access.can('recording.manage', targets.get(row.id)!)));
  }

  async setCoursePolicy(courseId: number, policy: RecordingPolicy, access: Access): Promise<{ policy: RecordingPolicy }> {
    await this.#authorizeCourse(courseId, access);
    await this.repo.setCoursePolicy(courseId, policy);
    return { policy };
  }

  async coursePolicy(courseId: number, access: Access): Promise<{ policy: RecordingPolicy }> {
    const course = await this.places.course(courseId);
    if (!access.can('course.read', { kind: 'course', course })) throw forbidden();
    return { policy: (await this.repo.coursePolicy(courseId)) ?? 'teacher_choice' };
  }

  /**
   * The local file of a rendition, after asking the policy (every media request comes here, so a viewer
   * who lost access gets no more bytes). not_found when the recording has no such playable file.
   */
  async mediaFile(id: number, rendition: RecordingRendition, access: Access): Promise<string> {
    const { row } = await this.#authorized(id, 'recording.watch', access);
    const key = rendition === 'high' ? row.highKey : row.lowKey;
    if (row.status !== 'ready' || key === null) throw notFound();
    // The key the row names must be this recording's rendition: the store's layout is the one truth.
    if (key !== renditionKey(row.lessonSessionId, row.id, rendition)) throw notFound();
    if ((await this.store.sizeOf(key)) === null) throw notFound();
    return this.store.pathOf(key);
  }

  async #authorizeCourse(courseId: number, access: Access): Promise<void> {
    const course = await this.places.course(courseId);
    const target: PolicyTarget = { kind: 'recording', recording: { course, visibility: null, viewerPlaces: [] } };
    if (!access.can('recording.manage', target)) throw forbidden();
  }

  /** Throws not_found / forbidden unless the caller may watch the recording (the viewing routes ask this). */
  async authorizeWatch(id: number, access: Access): Promise<void> {
    await this.#authorized(id, 'recording.watch', access);
  }

  async #authorized(id: number, action: 'recording.watch' | 'recording.manage', access: Access): Promise<{ row: RecordingRow; target: PolicyTarget }> {
    const row = await this.repo.recording(id);
    if (!row) throw notFound();
    const target = (await this.#targets([row], access)).get(row.id)!;
    access.authorize(action, target);
    return { row, target };
  }

  /** Each row as a policy target: its course's facts, its visibility, and where the caller's grants sit. */
  async #targets(rows: readonly RecordingRow[], access: Access): Promise<Map<number, PolicyTarget>> {
    if (rows.length === 0) return new Map();
    const index = await this.places.index();
    const facts = new Map<number, CourseFacts>((await this.places.courses([...new Set(rows.map((r) => r.courseId))], index)).map((c) => [c.id, c]));
    const viewerPlaces = index.placesOf(access.principal.grants);
    const targets = new Map<number, PolicyTarget>();
    for (const row of rows) {
      const course = facts.get(row.courseId);
      if (course) targets.set(row.id, { kind: 'recording', recording: { course, visibility: row.visibility, viewerPlaces } });
    }
    return targets;
  }

  #view(row: RecordingRow, canManage: boolean): RecordingView {
    const rendition = (name: RecordingRendition, key: string | null, bytes: number | null, bitrate: number | null): RenditionView[] =>
      row.status === 'ready' && key !== null ? [{ rendition: name, url: recordingMediaUrl(row.id, name), ...RENDITION_SIZE[name], bitrate: bitrate ?? 0, sizeBytes: bytes ?? 0 }] : [];
    return {
      id: row.id,
      lessonId: row.lessonSessionId,
      courseId: row.courseId,
      title: row.title,
      courseName: row.courseName,
      subject: row.subject,
      grade: row.grade,
      lessonKind: row.lessonKind,
      schoolId: row.schoolId,
      schoolName: row.schoolName,
      teacherId: row.teacherId,
      teacherName: row.teacherName,
      status: row.status,
      progress: Math.max(0, Math.min(100, row.progress)),
      failure: row.failure,
      cut: row.cut,
      startedAt: toShanghaiIso(row.startedAt),
      endedAt: row.endedAt ? toShanghaiIso(row.endedAt) : null,
      durationSeconds: row.durationMs === null ? null : Math.round(row.durationMs / 100) / 10,
      visibility: row.visibility,
      publishedAt: row.publishedAt ? toShanghaiIso(row.publishedAt) : null,
      renditions: [...rendition('high', row.highKey, row.highBytes, row.highBitrate), ...rendition('low', row.lowKey, row.lowBytes, row.lowBitrate)],
      canManage,
    };
  }
}

