import type { FastifyBaseLogger as Logger } from 'fastify';
import { ApiError } from '../core/errors.js';
import type { LessonPlacement } from '../lessons/placement-port.js';
import type { LessonRegistry } from '../lessons/registry.js';
import type { LessonsRepository, OpenLessonSession } from '../lessons/repository.js';
import { leastLoaded, type LiveNode, type NodeDirectory } from './node-directory.js';

/** How often each node looks for lessons whose node died (ms). */
export const REPLACE_CHECK_MS = 1_000;

/**
 * Several nodes: which node runs a course's live lesson. The store says which node runs it
 * (lesson_sessions.node_id); the node directory says whether that node is alive. A site that reaches
 * another node is sent to the one running the lesson (`lesson_elsewhere`, the page reconnects through the
 * proxy with that node's hint) rather than forwarded: its media has to reach that node's workers anyway,
 * and a node that dies takes its media with it whichever node carried the signalling. A lesson whose node
 * died is re-placed: by the least loaded live node within a second of the death being seen, or at once by a
 * node a returning site reaches first.
 */
export class ClusterPlacement implements LessonPlacement {
  readonly #directory: NodeDirectory;
  readonly #repo: LessonsRepository;
  readonly #registry: LessonRegistry;
  readonly #log: Logger;
  #watcher: NodeJS.Timeout | null = null;
  #checking = false;
  /** A graceful stop has begun: the lessons are handed over, none is taken here. */
  #leaving = false;

  constructor(directory: NodeDirectory, repo: LessonsRepository, registry: LessonRegistry, log: Logger) {
    this.#directory = directory;
    this.#repo = repo;
    this.#registry = registry;
    this.#log = log;
  }

  async bringHere(courseId: number): Promise<void> {
    const open = await this.#repo.openSession(courseId);
    if (!open || this.#registry.live(courseId)?.lesson.lessonSessionId === open.id) return;
    // Stopping: another node takes it over.
    if (this.#leaving) return this.#sendOn();
    if (open.nodeId !== null && open.nodeId !== this.#directory.nodeId && (await this.#directory.alive(open.nodeId))) {
      throw new ApiError('lesson_elsewhere', { node: open.nodeId });
    }
    await this.#adopt(open);
  }

  async placeStart(courseId: number, sentHere: boolean): Promise<void> {
    if (this.#leaving) return this.#sendOn();
    if (sentHere) return;
    const target = leastLoaded(await this.#directory.liveNodes());
    if (target && target.nodeId !== this.#directory.nodeId) throw new ApiError('lesson_elsewhere', { node: target.nodeId });
  }

  /**
   * A graceful stop of this node: its lessons go on on the other nodes. It takes none over from now on, lets
   * each go (their pages reconnect through the proxy), and gives its lease up, so that the others take them
   * over at their next look rather than after the lease.
   */
  async handOver(): Promise<void> {
    this.#leaving = true;
    this.close();
    // The last node standing has nobody to hand to: its lessons end, as one process's do.
    if ((await this.#otherNodes()).length === 0) return this.#registry.close();
    await this.#registry.releaseAll();
    await this.#directory.close();
  }

  /** While this node stops: the least loaded other live node, as `lesson_elsewhere` (with none, nothing is live here). */
  async #sendOn(): Promise<void> {
    const target = leastLoaded(await this.#otherNodes());
    if (target) throw new ApiError('lesson_elsewhere', { node: target.nodeId });
  }

  async #otherNodes(): Promise<LiveNode[]> {
    const live = await this.#directory.liveNodes().catch((error: unknown) => {
      this.#log.error({ err: error }, 'the node directory could not be read');
      return [];
    });
    return live.filter((n) => n.nodeId !== this.#directory.nodeId);
  }

  /** Starts looking for lessons of dead nodes every REPLACE_CHECK_MS. */
  watch(everyMs = REPLACE_CHECK_MS): void {
    this.#watcher = setInterval(() => void this.replaceOrphans(), everyMs);
    this.#watcher.unref();
  }

  close(): void {
    if (this.#watcher) clearInterval(this.#watcher);
    this.#watcher = null;
  }

  /**
   * Re-places the lessons of dead nodes, if this node is the least loaded live one (so that a node's lessons
   * do not all land on whichever node looked first); the store lets one node take each.
   */
  async replaceOrphans(): Promise<void> {
    if (this.#checking || !this.#directory.holdsLease) return;
    this.#checking = true;
    try {
      const open = await this.#repo.openSessionsNotOf(this.#directory.nodeId);
      if (open.length === 0) return;
      const live = await this.#directory.liveNodes();
      const orphans = open.filter((s) => !live.some((n) => n.nodeId === s.nodeId));
      if (orphans.length === 0 || leastLoaded(live)?.nodeId !== this.#directory.nodeId) return;
      for (const orphan of orphans) await this.#adopt(orphan);
    } catch (error) {
      this.#log.error({ err: error }, 'looking for lessons of dead nodes failed');
    } finally {
      this.#checking = false;
    }
  }

  async #adopt(session: OpenLessonSession): Promise<void> {
    const running = await this.#registry.adopt(session);
    if (running) return;
    // Another node took it first (or it was a meeting, closed): where is it now?
    const now = await this.#repo.openSession(session.courseId);
    if (now && now.nodeId !== null && now.nodeId !== this.#directory.nodeId) throw new ApiError('lesson_elsewhere', { node: now.nodeId });
  }
}
