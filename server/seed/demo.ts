import type { Logger } from 'pino';
import type { TongkeDb } from '../db/client.js';

/** Placeholder until the demo county seed lands (being written now). */
export async function seedDemoIfEmpty(_db: TongkeDb, _logger: Logger): Promise<void> {}
