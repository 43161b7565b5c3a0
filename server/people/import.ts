import type { UserImportBody, UserImportError, UserImportResult } from '../../shared/api/people.js';
import { hashPassword } from '../accounts/passwords.js';
import { ApiError, forbidden } from '../core/errors.js';
import type { Access } from '../core/access.js';
import { conflictOnDuplicate, invalidField } from '../core/constraints.js';
import type { Places } from '../organisation/places.js';
import type { RoleGrant } from '../policy/policy.js';
import type { ImportEncoding } from '../../shared/api/people.js';
import { checkImportRecords, IMPORT_COLUMNS, IMPORT_ROLES, MAX_IMPORT_BYTES, parseImportCsv, type ImportIssue, type ImportRecord, type ImportRole, type ImportRow } from './import-file.js';
import { decodeImportFile } from './import-decode.js';
import type { PeopleRepository } from './repository.js';

/** A message of the `import` catalog in the caller's language. */
export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** Passwords are hashed a few at a time: argon2 is memory-hard and the thread pool is shared. */
const HASH_CONCURRENCY = 2;

/**
 * Imports a school's user list. Every row is checked first — cells, user names (in the file and in the
 * database), and whether the caller may give each row's role at the school; any problem imports nothing
 * and answers `import_invalid` with every problem as `{ line, column, message }`. Otherwise all accounts
 * are created in one transaction (or, with dryRun, only counted).
 */
export async function importUsers(repo: PeopleRepository, places: Places, body: UserImportBody, access: Access, translate: Translate): Promise<UserImportResult> {
  const school = (await places.index()).school(body.schoolId);
  if (!school) throw invalidField('/schoolId', 'no such school');
  const grantAt = (role: ImportRole): RoleGrant => ({ role, regionId: null, groupId: null, schoolId: body.schoolId, classroomId: null });
  const grantable = new Set(IMPORT_ROLES.filter((role) => access.canGrant(grantAt(role), school)));
  if (grantable.size === 0) throw forbidden();

  const source = await readSource(body);
  if ('issue' in source) throw new ApiError('import_invalid', {}, describe([source.issue], translate));
  const { rows, issues } = checkImportRecords(source.records);
  const taken = await repo.takenUsernames(rows.map((r) => r.username));
  for (const row of rows) {
    if (taken.has(row.username)) issues.push({ line: row.line, column: 'username', key: 'usernameTaken', params: { username: row.username } });
    if (!grantable.has(row.role)) issues.push({ line: row.line, column: 'role', key: 'roleNotAllowed', params: { role: row.role } });
  }
  if (issues.length > 0) throw new ApiError('import_invalid', {}, describe(issues, translate));

  const withoutPassword = rows.filter((r) => r.password === null).map((r) => r.username);
  const notices = withoutPassword.length > 0 ? [translate('import.withoutPassword', { count: withoutPassword.length, usernames: withoutPassword.join(', ') })] : [];
  const result = { imported: rows.length, dryRun: body.dryRun === true, errors: [], withoutPassword, notices, encoding: source.encoding };
  if (body.dryRun) return result;

  const hashes = await hashAll(rows);
  await repo.transaction(async () => {
    for (const row of rows) {
      await conflictOnDuplicate('username', () =>
        repo.insertAccount({
          username: row.username,
          displayName: row.displayName,
          passwordHash: hashes.get(row.line) ?? null,
          grants: [grantAt(row.role)],
          student: row.student && { schoolId: body.schoolId, ...row.student },
        }),
      );
    }
  });
  return result;
}

/**
 * The rows of the list, from the uploaded bytes (encoding detected, or a workbook) or from text the
 * client already decoded; or the one problem that stops reading it.
 */
async function readSource(body: UserImportBody): Promise<{ records: ImportRecord[]; encoding: ImportEncoding } | { issue: ImportIssue }> {
  if (body.file === undefined) {
    if (body.csv === undefined) return { issue: { line: 1, column: '', key: 'fileMissing' } };
    const parsed = parseImportCsv(body.csv);
    return 'issue' in parsed ? parsed : { records: parsed.records, encoding: 'utf-8' };
  }
  const bytes = Buffer.from(body.file, 'base64');
  // Bounded before decoding or unzipping: the cost of both grows with the file.
  if (bytes.length > MAX_IMPORT_BYTES) return { issue: { line: 1, column: '', key: 'tooLarge', params: { maxKb: MAX_IMPORT_BYTES / 1024 } } };
  const source = await decodeImportFile(bytes);
  if ('key' in source) return { issue: { line: 1, column: '', key: source.key, ...(source.params && { params: source.params }) } };
  if (source.kind === 'cells') return { records: source.records, encoding: source.encoding };
  const parsed = parseImportCsv(source.text);
  return 'issue' in parsed ? parsed : { records: parsed.records, encoding: source.encoding };
}

/** Problems in file order (line, then column order), with their messages translated. */
function describe(issues: readonly ImportIssue[], translate: Translate): UserImportError[] {
  // Whole-row problems (column '') come first, then cells in the file's column order.
  const columnOrder = (column: string): number => IMPORT_COLUMNS.findIndex((c) => c === column);
  return [...issues]
    .sort((a, b) => a.line - b.line || columnOrder(a.column) - columnOrder(b.column))
    .map((issue) => ({ line: issue.line, column: issue.column, message: translate(`import.${issue.key}`, withColumnName(issue.params, translate)) }));
}

/** A column named in a message is named as the caller's template names it (用户名, not username). */
function withColumnName(params: ImportIssue['params'], translate: Translate): ImportIssue['params'] {
  const column = params?.column;
  if (typeof column !== 'string' || !(IMPORT_COLUMNS as readonly string[]).includes(column)) return params;
  return { ...params, column: translate(`import.columnName.${column}`) };
}

/** argon2 hashes of the rows' passwords, by line. */
async function hashAll(rows: readonly ImportRow[]): Promise<Map<number, string>> {
  const hashes = new Map<number, string>();
  const queue = rows.filter((r) => r.password !== null);
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      if (row.password !== null) hashes.set(row.line, await hashPassword(row.password));
    }
  };
  await Promise.all(Array.from({ length: HASH_CONCURRENCY }, worker));
  return hashes;
}
