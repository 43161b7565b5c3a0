import { sql } from 'drizzle-orm';
import { rows, type TongkeDb } from '../../db/store.js';
import type { RollupFilter } from '../../evidence/usage/repository.js';

/**
 * The one question the usage repository does not answer: which lead teachers taught lessons that were
 * delivered to another school (online teacher exchange). It reads the same roll-ups with the same
 * "delivered" rule (a receiving site connected at least the threshold, counted on the lesson's start day).
 */
export class OnlineExchangeRepository {
  constructor(private readonly db: TongkeDb) {}

  /** Per lead teacher and receiving school (not her own): the delivered lessons, within a region and day range. */
  async leadTeachersReceivedElsewhere(filter: Pick<RollupFilter, 'fromDay' | 'toDay' | 'deliveredSeconds'> & { regionId: number }): Promise<Array<{ userId: number; name: string; hostSchoolId: number; receivingSchoolId: number; lessons: number }>> {
    const found = await rows<{ user_id: unknown; name: string; host_school_id: unknown; receiving_school_id: unknown; lessons: unknown }>(this.db, sql`
      SELECT t.user_id, us.display_name AS name, t.school_id AS host_school_id, u.school_id AS receiving_school_id, COUNT(DISTINCT t.lesson_session_id) AS lessons
      FROM usage_lesson_teachers t
      JOIN usage_site_days u ON u.lesson_session_id = t.lesson_session_id
        AND u.lesson_start = true AND u.site_kind <> 'host' AND u.site_lesson_seconds >= ${filter.deliveredSeconds} AND u.school_id <> t.school_id
      JOIN users us ON us.id = t.user_id
      WHERE t.part = 'lead' AND t.region_id = ${filter.regionId} AND t.day >= ${filter.fromDay} AND t.day <= ${filter.toDay}
      GROUP BY t.user_id, us.display_name, t.school_id, u.school_id`);
    return found.map((r) => ({ userId: Number(r.user_id), name: r.name, hostSchoolId: Number(r.host_school_id), receivingSchoolId: Number(r.receiving_school_id), lessons: Number(r.lessons) }));
  }
}
