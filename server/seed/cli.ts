import { loadConfigOrExplain } from '../config.js';
import { hashPassword } from '../accounts/passwords.js';
import { openDatabase, storeLocation } from '../db/store.js';
import { seedDemoCounty } from './demo.js';
import { seedDemoHistory } from './demo-history.js';
import { seedDemoChecklist } from './demo-checklist.js';
import { seedDemoCourseware } from './demo-courseware.js';
import { seedDemoResearch } from './demo-research.js';
import { seedDemoLinkHealth } from './demo-link-health.js';
import { DEMO_LOGINS, DEMO_PASSWORD } from './demo-logins.js';

const USAGE = `Usage: npm run seed -- --demo

  --demo   create the demo county 青山县 (groups, schools, teaching points, people, courses, this
           term's timetable and, in a county that has held no lesson yet, the term's past lessons
           for the reports) in the store named by TONGKE_DATABASE_URL (a postgres:// URL), else in
           the SQLite file named by TONGKE_DB_PATH (default ./data/tongke.db).
           Safe to repeat: what exists already is left as it is.`;

/** `npm run seed -- --demo`: seeds the demo county on demand and prints what it created. */
async function main(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const unknown = args.filter((a) => a !== '--demo');
  if (!args.includes('--demo') || unknown.length > 0) {
    if (unknown.length > 0) console.error(`Unknown argument: ${unknown.join(' ')}`);
    console.error(USAGE);
    return 2;
  }

  const config = loadConfigOrExplain();
  if (!config) return 2;
  // argon2 is slow: hash once, before the transaction, so that it does not hold the store meanwhile.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const database = await openDatabase(storeLocation(config));
  try {
    const summary = await seedDemoCounty(database.db, { passwordHash });
    const pastLessons = await seedDemoHistory(database.db);
    const linkDays = await seedDemoLinkHealth(database.db);
    const observations = await seedDemoResearch(database.db);
    const checklist = await seedDemoChecklist(database.db, config);
    const coursewareSeeded = await seedDemoCourseware(database.db, config);
    const createdTotal = Object.values(summary.created).reduce((sum, n) => sum + n, 0);
    console.log(`Demo county 青山县 in ${database.location}`);
    console.log(`Term: ${summary.term.name} (${summary.term.startsOn} → ${summary.term.endsOn})`);
    console.table(Object.entries(summary.totals).map(([table, rows]) => ({ table, rows, created: summary.created[table] ?? 0 })));
    console.log(createdTotal === 0 ? 'Nothing to do: the demo county was already complete.' : `Created ${createdTotal} rows.`);
    if (pastLessons > 0) console.log(`Recorded ${pastLessons} past lessons of this term for the reports.`);
    if (linkDays > 0) console.log(`Added ${linkDays} days of receiving-classroom link health (杨柳村教学点's link poor in ~40 % of lesson minutes).`);
    if (observations > 0) console.log(`Added ${observations} observations (名师课堂) of past lessons, a research meeting and the county's observation target.`);
    if (checklist) console.log(`Filled in this term's evaluation checklist and exchange register (attachments in ${config.attachmentsDir}).`);
    if (coursewareSeeded) console.log(`Gave teacher.wang's first course a demo deck (courseware, in ${config.attachmentsDir}).`);
    console.log(`Demo logins (password "${DEMO_PASSWORD}"): ${DEMO_LOGINS.map((l) => l.username).join(', ')}`);
  } finally {
    await database.close();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
