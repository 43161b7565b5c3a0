import type { FastifyBaseLogger as Logger } from 'fastify';
import type { LessonRegistry } from '../../registry.js';
import type { BoardRepository } from './repository.js';

/**
 * Keeps every lesson's board when the lesson ends: the board feature leaves its pages and ink in its
 * `record` at `end()`, and this writes them to board_pages. `flush()` waits for the writes under way, so a
 * server that closes (which ends its lessons) keeps their boards before the database closes.
 */
export function keepBoards(registry: Pick<LessonRegistry, 'on'>, repo: BoardRepository, log: Logger): { flush(): Promise<void> } {
  const writes = new Set<Promise<void>>();
  registry.on('lesson-started', (running) => {
    const { lesson } = running;
    lesson.once('ended', () => {
      const record = lesson.features.board.record;
      if (!record) return;
      const write = repo
        .keep(lesson.lessonSessionId, record)
        .catch((error: unknown) => log.error({ err: error, lessonSessionId: lesson.lessonSessionId }, 'keeping the lesson board failed'))
        .finally(() => writes.delete(write));
      writes.add(write);
    });
  });
  return { flush: async () => void (await Promise.all([...writes])) };
}
