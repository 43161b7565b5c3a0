import fp from 'fastify-plugin';
import type { TongkeApp } from '../../core/app-types.js';
import { OncePerCluster } from '../../cluster/once-per-cluster.js';
import { RecordingRetention } from '../retention.js';
import { DirectoryRecordingStore } from '../storage.js';
import { RecordingJobs } from './jobs.js';
import { RENDER_LEASE_MS, RenderRepository } from './repository.js';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Makes stopped recordings playable: the recorder calls `kick()` when a recording stops (it is then
     * `processing`); the library may show `progressOf(id)` for the live figure between row writes.
     */
    recordingJobs: Pick<RecordingJobs, 'kick' | 'progressOf' | 'idle'>;
  }
}

/**
 * The render job runner and retention, started with the app (the queue left by a stopped server is
 * picked up on ready) and stopped with it (a running render is killed and stays queued). No routes.
 * Registered as a feature plugin (fastify-plugin, so `app.recordingJobs` reaches every other feature).
 */
export default fp(
  async function recordingRendering(app: TongkeApp) {
    const { db, config } = app.tongke;
    const rows = new RenderRepository(db, { nodeId: config.nodeId });
    const store = new DirectoryRecordingStore(config.recordingsDir);
    const log = app.log.child({ feature: 'recordings' });
    // With several nodes, a claim left by one that died is looked for once a lease: no event here would bring it.
    const lookEveryMs = app.tongke.redis ? RENDER_LEASE_MS : undefined;
    const jobs = new RecordingJobs(rows, { store, ffmpegPath: config.ffmpegPath, concurrency: config.recordingJobs, log, lookEveryMs });
    const retention = new RecordingRetention(rows, { days: config.recordingRetentionDays, store, log, oncePerCluster: new OncePerCluster(app.tongke.redis) });
    app.decorate('recordingJobs', jobs);
    app.addHook('onReady', async () => {
      jobs.start();
      retention.start();
    });
    app.addHook('onClose', async () => {
      await retention.close();
      await jobs.close();
    });
  },
  { name: 'tongke-recording-rendering' },
);
