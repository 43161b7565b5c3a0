import { hashPassword } from '../../server/accounts/passwords.js';
import { openDatabase, type TongkeDb } from '../../server/db/store.js';
import { seedDemoCounty } from '../../server/seed/demo.js';
import { DEMO_PASSWORD } from '../../server/seed/demo-logins.js';

/**
 * Seeds the demo county into a new store at `location` (every demo login signs in with DEMO_PASSWORD), then
 * what the suite adds (`more`), and closes it again: for a server process the test starts on it.
 */
export async function seedDemoStore(location: string, more?: (db: TongkeDb) => Promise<void>): Promise<void> {
  const database = await openDatabase(location);
  try {
    await seedDemoCounty(database.db, { passwordHash: await hashPassword(DEMO_PASSWORD) });
    await more?.(database.db);
  } finally {
    await database.close();
  }
}
