import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { Compile } from 'typebox/compile';
import { Password, Username } from '../../shared/api/people.js';
import { loadConfigOrExplain } from '../config.js';
import { openDatabase, storeLocation } from '../db/store.js';
import { isUniqueViolation } from '../core/constraints.js';
import { hashPassword } from './passwords.js';
import { AccountsRepository } from './repository.js';
import { isDeviceUsername } from './usernames.js';

const USAGE = `Usage: npm run admin:create -- --username <name> --display-name <name>

  Creates a system administrator in the store named by TONGKE_DATABASE_URL (PostgreSQL), else in the SQLite
  file named by TONGKE_DB_PATH (default ./data/tongke.db).
  The password is asked for (not shown) on a terminal, or read from the first line of standard input:
    echo 'a long password' | npm run admin:create -- --username admin --display-name 系统管理员`;

const checkUsername = Compile(Username);
const checkPassword = Compile(Password);

/** `npm run admin:create`: the operator's way to create a system administrator (first run, or a lost one). */
async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { username: { type: 'string' }, 'display-name': { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    console.error((error as Error).message);
    console.error(USAGE);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const username = values.username?.trim() ?? '';
  const displayName = values['display-name']?.trim() ?? '';
  if (!checkUsername.Check(username) || displayName === '' || displayName.length > 64) {
    console.error('A user name (2–64 of A–Z a–z 0–9 . _ @ -) and a display name (up to 64 characters) are needed.');
    console.error(USAGE);
    return 2;
  }
  if (isDeviceUsername(username)) {
    console.error(`${username}: user names of the form classroom-<number> are kept for classroom devices.`);
    return 2;
  }
  const config = loadConfigOrExplain();
  if (!config) return 2;
  const password = await readPassword();
  if (!checkPassword.Check(password)) {
    console.error('The password needs 8–200 characters.');
    return 2;
  }
  const passwordHash = await hashPassword(password);
  const database = await openDatabase(storeLocation(config));
  try {
    const id = await new AccountsRepository(database.db).createSystemAdmin({ username, displayName, passwordHash });
    console.log(`System administrator ${username} (id ${id}) created in ${database.location}.`);
    return 0;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    console.error(`The user name ${username} is taken.`);
    return 1;
  } finally {
    await database.close();
  }
}

/** The password: typed without echo on a terminal, else the first line of standard input. */
async function readPassword(): Promise<string> {
  const tty = process.stdin.isTTY === true;
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output: tty ? output : undefined, terminal: tty });
  try {
    if (tty) process.stdout.write('Password: ');
    muted = true;
    for await (const line of rl) return line.replace(/\r$/, '');
    return '';
  } finally {
    muted = false;
    if (tty) process.stdout.write('\n');
    rl.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
