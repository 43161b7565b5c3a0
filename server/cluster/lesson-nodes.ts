import type { TongkeApp } from '../core/app-types.js';
import type { MediaHealth } from '../ops/health.js';
import type { LessonRegistry } from '../lessons/registry.js';
import type { LessonsRepository } from '../lessons/repository.js';
import { NodeDirectory } from './node-directory.js';
import { ClusterPlacement } from './placement.js';

/**
 * Several nodes (TONGKE_REDIS_URL): this node takes its lease in the node directory, telling its load, and
 * places, sends on and re-places lessons with the others (placement.ts). On a graceful shutdown it hands
 * its lessons over to the other nodes and gives its lease up (the last node standing ends them instead).
 */
export async function placeAcrossNodes(app: TongkeApp, registry: LessonRegistry, repo: LessonsRepository, media: MediaHealth): Promise<ClusterPlacement> {
  const { config, redis } = app.tongke;
  const log = app.log.child({ component: 'cluster', nodeId: config.nodeId });
  if (!redis) throw new Error('several nodes (TONGKE_REDIS_URL) but the app has no Redis connection');
  const load = () => ({ consumers: media.workers.reduce((sum, worker) => sum + worker.consumerCount, 0), lessons: registry.summaries().length });
  const directory = new NodeDirectory(redis, config.nodeId, load, log);
  await directory.start();
  const placement = new ClusterPlacement(directory, repo, registry, log);
  placement.watch();
  log.info('node lease taken: lessons are placed across the nodes');
  // A graceful stop hands this node's lessons over to the others instead of ending them (before the
  // gateway's preClose, registered later, would end them).
  app.addHook('preClose', () => placement.handOver());
  return placement;
}
