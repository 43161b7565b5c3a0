import { loadConfigOrExplain } from './config.js';
import { buildApp } from './app.js';
import { openDatabase, storeLocation } from './db/store.js';
import { seedDemoIfEmpty } from './seed/demo.js';
import { seedDemoChecklist } from './seed/demo-checklist.js';
import { seedDemoCourseware } from './seed/demo-courseware.js';
import { createServerLogger } from './core/logger.js';
import { MediaWorkerPool } from '../media/index.js';
import { installProcessGuards } from './core/process-guards.js';

/**
 * Starts Tongke: config → database (migrated) → demo data if asked (`--demo` or TONGKE_SEED_DEMO=true) and
 * the database is empty → media workers → HTTP + Socket.IO.
 */
async function main(args: readonly string[]): Promise<void> {
  const config = loadConfigOrExplain(args.includes('--demo') ? { seedDemo: true } : {});
  if (!config) process.exit(2);
  const logger = createServerLogger(config.logLevel);
  const database = await openDatabase(storeLocation(config));
  logger.info({ store: database.dialect, location: database.location }, 'store open');
  if (config.seedDemo && (await seedDemoIfEmpty(database.db, logger))) {
    await seedDemoChecklist(database.db, config);
    await seedDemoCourseware(database.db, config);
  }
  const media = await MediaWorkerPool.create({
    workerCount: config.mediaWorkers,
    rtcMinPort: config.rtcMinPort,
    rtcMaxPort: config.rtcMaxPort,
    listenIp: config.rtcListenIp,
    announcedIp: config.rtcAnnouncedIp,
    consumersPerWorker: config.mediaConsumersPerWorker,
    logger: logger.child({ component: 'media' }),
  });
  const app = await buildApp({ config, database, media, logger });
  installProcessGuards({ logger, flush: () => app.flushEvidence?.() ?? true });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    try {
      await app.close();
      media.close();
      await database.close();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ host: config.host, port: config.port });
  logger.info({ url: config.publicUrl }, 'Tongke is ready');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
