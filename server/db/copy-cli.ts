/**
 * `npm run db:copy -- --from ./data/tongke.db --to postgres://user:password@host:5432/tongke`
 * (`--to` defaults to TONGKE_DATABASE_URL, `--from` to TONGKE_DB_PATH or ./data/tongke.db). Stop Tongke first:
 * the copy reads a consistent file. Exit status 0 only when every table has the same number of rows on both sides.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { CopyError, copySqliteToPostgres, type CopyProgress } from './copy.js';
import { redactedUrl } from './pg-store.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
  const from = resolve(values.from ?? process.env.TONGKE_DB_PATH ?? './data/tongke.db');
  const to = values.to ?? process.env.TONGKE_DATABASE_URL ?? '';
  if (!/^postgres(ql)?:\/\//i.test(to)) {
    console.error('db:copy: say where to copy to: --to postgres://user:password@host:5432/tongke (or set TONGKE_DATABASE_URL)');
    return 2;
  }
  console.log(`Copying ${from} → ${redactedUrl(to)}`);
  const bar = new cliProgress.SingleBar({ format: '{bar} {percentage}% | {value}/{total} rows | {table}', hideCursor: true }, cliProgress.Presets.shades_classic);
  const progress: CopyProgress = {
    start: (total) => bar.start(total, 0, { table: '' }),
    advance: (rows, table) => bar.increment(rows, { table }),
    stop: () => bar.stop(),
  };
  try {
    const counts = await copySqliteToPostgres(from, to, progress);
    console.table(counts.map((c) => ({ table: c.table, sqlite: c.source, postgresql: c.target, same: c.source === c.target ? 'yes' : 'NO' })));
    const different = counts.filter((c) => c.source !== c.target);
    if (different.length > 0) {
      console.error(`db:copy: ${different.length} table(s) differ after the copy: ${different.map((c) => c.table).join(', ')}`);
      return 1;
    }
    console.log(`Done: ${counts.reduce((a, c) => a + c.target, 0)} rows in ${counts.length} tables, every count verified. Start Tongke with TONGKE_DATABASE_URL set to the new database.`);
    return 0;
  } catch (error) {
    if (error instanceof CopyError) {
      console.error(`db:copy: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

process.exit(await main());
