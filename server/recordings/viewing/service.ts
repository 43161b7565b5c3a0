import type { ViewingProgress, ViewingProgressResult, ViewingStart, ViewingStarted } from '../../../shared/api/recordings.js';
import { shanghaiDate } from '../../../shared/time.js';
import type { Access } from '../../core/access.js';
import { ApiError, forbidden, notFound } from '../../core/errors.js';
import { clipRanges, rangesLength, splitByDay, unionRanges, type MediaRange } from './ranges.js';
import type { ViewingRepository } from './repository.js';

/** The fastest the player plays (its speed control): media seconds per wall second. */
export const MAX_PLAYBACK_SPEED = 2;
/** Allowance for the report's own travel and the player's clock (seconds of media). */
export const REPORT_SLACK_SECONDS = 10;

/**
 * Viewing sessions of recordings (点播 evidence). A viewing starts with the viewer's place as it is then;
 * each report adds parts watched, kept as the union of media-time ranges so that re-watching counts once,
 * and what is new is added to the day roll-up at once (split over the days of the wall time it was
 * watched in). A report claiming more new seconds than could have played since the last one is refused.
 */
export class ViewingService {
  constructor(
    private readonly repo: ViewingRepository,
    /** The library's `recording.watch` decision (not_found / forbidden), the one owner of who may watch. */
    private readonly authorizeWatch: (recordingId: number, access: Access) => Promise<void>,
  ) {}

  async start(access: Access, recordingId: number, body: ViewingStart, now = new Date()): Promise<ViewingStarted> {
    await this.authorizeWatch(recordingId, access);
    const recording = await this.repo.recording(recordingId);
    if (!recording) throw notFound();
    const viewer = await this.repo.viewerPlace(access.principal.userId);
    // Only a made recording plays; one still recording, processing, failed or deleted has nothing to watch.
    if (recording.status !== 'ready') throw notFound();
    // A classroom device is told by its account, not by what its browser says (and no person is one).
    const device = viewer.classroomId !== null ? 'classroom' : body.device === 'classroom' ? 'desktop' : body.device;
    const viewingId = await this.repo.start({ recordingId, userId: access.principal.userId, device, place: viewer, at: now, day: shanghaiDate(now) });
    return { viewingId };
  }

  async report(access: Access, viewingId: number, body: ViewingProgress, now = new Date()): Promise<ViewingProgressResult> {
    const viewing = await this.repo.viewing(viewingId);
    if (!viewing) throw notFound();
    // Only the viewer herself reports what she watched.
    if (viewing.userId !== access.principal.userId) throw forbidden();
    const recording = await this.repo.recording(viewing.recordingId);
    if (!recording) throw notFound();
    const durationSeconds = recording.durationMs === null ? null : recording.durationMs / 1000;
    const reported = clipRanges(body.ranges.map(([from, to]): MediaRange => [from, to]), durationSeconds);
    const watched = unionRanges([...viewing.watched, ...reported]);
    const total = rangesLength(watched);
    const newSeconds = total - rangesLength(viewing.watched);
    const wallSeconds = Math.max(0, now.getTime() - viewing.lastReportAt.getTime()) / 1000;
    const allowed = wallSeconds * MAX_PLAYBACK_SPEED + REPORT_SLACK_SECONDS;
    if (newSeconds > allowed) throw new ApiError('viewing_implausible', { claimed: Math.round(newSeconds), allowed: Math.floor(allowed) });

    const watchedSeconds = Math.round(total);
    const added = watchedSeconds - viewing.watchedSeconds;
    const shares = splitByDay(added, viewing.lastReportAt.getTime(), now.getTime());
    if (!(await this.repo.saveProgress(viewing, watched, watchedSeconds, now, shares))) throw new ApiError('conflict');
    return { watchedSeconds };
  }
}
