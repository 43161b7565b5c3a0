/**
 * Where a course's live lesson runs, as the gateway asks it before a site starts, asks about or joins a
 * lesson that is not live in this process. One process: always here (LOCAL_PLACEMENT). Several nodes
 * (server/cluster): the node that runs it, a dead node's lesson re-placed here, or a new lesson placed on
 * the least loaded node.
 */
export interface LessonPlacement {
  /**
   * Makes sure the course's live lesson, if there is one, runs in this process: a lesson whose node died is
   * re-placed here. Resolves when it runs here or nothing of the course is live.
   * @throws {ApiError} `lesson_elsewhere` (with the node) when a live node runs it.
   */
  bringHere(courseId: number): Promise<void>;
  /**
   * Before a new lesson starts here (nothing of the course is live anywhere).
   * @throws {ApiError} `lesson_elsewhere` when another node should run it (it carries less load), unless the
   * page was already sent here.
   */
  placeStart(courseId: number, sentHere: boolean): Promise<void>;
}

/** One process: every lesson runs here. */
export const LOCAL_PLACEMENT: LessonPlacement = {
  bringHere: async () => {},
  placeStart: async () => {},
};
