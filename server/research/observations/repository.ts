import { observations } from '../../db/schema/index.js';
import type { TongkeDb } from '../../db/store.js';
import type { ObservationMode } from '../../../shared/api/research.js';

/** Observations (听课) of lessons: who observes which lesson session, her notes and ratings. */
export class ObservationsRepository {
  constructor(private readonly db: TongkeDb) {}

  /**
   * Opens her observation of the lesson (live join, or opening its recording to observe): made once per
   * lesson and person; a later open (a rejoin, the replay after the live lesson) keeps the first mode.
   */
  async open(lessonSessionId: number, observerId: number, mode: ObservationMode): Promise<void> {
    await this.db.insert(observations).values({ lessonSessionId, observerId, mode }).onConflictDoNothing();
  }
}
