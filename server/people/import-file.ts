import { parse } from 'csv-parse/sync';
import { isDeviceUsername } from '../accounts/usernames.js';

/** Roles a school's user list may contain. */
export const IMPORT_ROLES = ['teacher', 'assistant_teacher', 'student', 'school_admin'] as const;
export type ImportRole = (typeof IMPORT_ROLES)[number];

export const IMPORT_COLUMNS = ['username', 'display_name', 'role', 'password', 'grade', 'class_name', 'home_delivery'] as const;
type ImportColumn = (typeof IMPORT_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly ImportColumn[] = ['username', 'display_name', 'role'];
const STUDENT_COLUMNS: readonly ImportColumn[] = ['grade', 'class_name', 'home_delivery'];

/** More rows than this are better split: each password costs an argon2 hash. */
export const MAX_IMPORT_ROWS = 2000;
/** A list of MAX_IMPORT_ROWS people is well under this (about 100 bytes a row); anything bigger is not a user list. */
export const MAX_IMPORT_BYTES = 1024 * 1024;
/** Every known column once, and as many again for stray ones (each is reported); more is not a user list. */
export const MAX_IMPORT_COLUMNS = 2 * IMPORT_COLUMNS.length;

/** Thrown from the parser's record hook to stop reading a file with rows too wide. */
class TooManyCells extends Error {
  constructor(readonly line: number) {
    super('too many cells');
  }
}
const USERNAME = /^[A-Za-z0-9._@-]{2,64}$/;

/**
 * The template's Chinese column names (what a school office types), each meaning one column; the
 * English names are accepted as well.
 */
export const COLUMN_NAMES_ZH: Record<ImportColumn, string> = {
  username: '用户名',
  display_name: '姓名',
  role: '角色',
  password: '密码',
  grade: '年级',
  class_name: '班级',
  home_delivery: '送教上门',
};
const COLUMN_BY_NAME = new Map<string, ImportColumn>([
  ...IMPORT_COLUMNS.map((c) => [c, c] as const),
  ...IMPORT_COLUMNS.map((c) => [COLUMN_NAMES_ZH[c], c] as const),
]);
/** The template's Chinese role values (the shared role names); English role keys are accepted as well. */
export const ROLE_NAMES_ZH: Record<ImportRole, string> = { teacher: '教师', assistant_teacher: '辅导教师', student: '学生', school_admin: '学校管理员' };
const ROLE_BY_NAME = new Map<string, ImportRole>([
  ...IMPORT_ROLES.map((r) => [r, r] as const),
  ...IMPORT_ROLES.map((r) => [ROLE_NAMES_ZH[r], r] as const),
  ['老师', 'teacher'],
]);
const YES = new Set(['是', 'yes', '1', 'true']);
const NO = new Set(['否', 'no', '0', 'false', '']);

/** One valid row of the file. `line` is where the row starts in the file (1 = header). */
export interface ImportRow {
  line: number;
  username: string;
  displayName: string;
  role: ImportRole;
  password: string | null;
  /** Students only. */
  student: { grade: number; className: string; homeDelivery: boolean } | null;
}

/** A problem with one cell (or the file), as an i18n key under `import.` and its values. */
export interface ImportIssue {
  line: number;
  column: string;
  key: string;
  params?: Record<string, string | number>;
}

/** A row of cells and the line (CSV) or row number (XLSX) it starts on. */
export interface ImportRecord {
  record: string[];
  line: number;
}

/** A user list given as CSV text (already decoded): see checkImportRecords. */
export function readImportFile(csv: string): { rows: ImportRow[]; issues: ImportIssue[] } {
  const parsed = parseImportCsv(csv);
  return 'issue' in parsed ? { rows: [], issues: [parsed.issue] } : checkImportRecords(parsed.records);
}

/** The CSV's non-empty records, or the one problem that stops reading it (too big, malformed, too wide). */
export function parseImportCsv(csv: string): { records: ImportRecord[] } | { issue: ImportIssue } {
  // Bounded before any parsing: the cost of reading and of the problem list grows with the file.
  if (Buffer.byteLength(csv, 'utf8') > MAX_IMPORT_BYTES) return { issue: { line: 1, column: '', key: 'tooLarge', params: { maxKb: MAX_IMPORT_BYTES / 1024 } } };
  const records: ImportRecord[] = [];
  try {
    // Excel on Windows writes CRLF; one kind of line break keeps line numbers exact.
    parse(csv.replace(/\r\n?/g, '\n'), {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      on_record: (record, context) => {
        // `lines` counts to the end of the record; a quoted cell may span lines, so report where it starts.
        const spanned = record.reduce((sum, cell) => sum + cell.split('\n').length - 1, 0);
        if (record.length > MAX_IMPORT_COLUMNS) throw new TooManyCells(context.lines - spanned);
        if (record.some((cell) => cell !== '')) records.push({ record, line: context.lines - spanned });
        return null;
      },
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof TooManyCells ? error.cause : error;
    if (cause instanceof TooManyCells) return { issue: { line: cause.line, column: '', key: 'tooManyColumns', params: { max: MAX_IMPORT_COLUMNS } } };
    const line = error instanceof Error && 'lines' in error && typeof error.lines === 'number' ? error.lines : 1;
    return { issue: { line, column: '', key: 'malformed' } };
  }
  return { records };
}

/**
 * Checks a user list (header row, then one person a row; from CSV or a workbook) cell by cell. Column
 * names and roles may be Chinese (the template's) or English. Checks that need the database or the
 * caller's authority (user names taken, roles she may grant) are the caller's. Rows with problems are
 * left out of `rows`; all problems are reported.
 */
export function checkImportRecords(records: readonly ImportRecord[]): { rows: ImportRow[]; issues: ImportIssue[] } {
  const [header, ...body] = records;
  if (!header) return { rows: [], issues: [{ line: 1, column: '', key: 'empty' }] };
  if (header.record.length > MAX_IMPORT_COLUMNS) return { rows: [], issues: [{ line: header.line, column: '', key: 'tooManyColumns', params: { max: MAX_IMPORT_COLUMNS } }] };

  const named = header.record.map((name) => COLUMN_BY_NAME.get(name.toLowerCase()) ?? null);
  const columns = named.map((column, i) => column ?? header.record[i] ?? '');
  const issues: ImportIssue[] = [];
  named.forEach((column, i) => {
    const name = header.record[i] ?? '';
    if (column === null) issues.push({ line: header.line, column: name, key: 'unknownColumn', params: { column: name } });
  });
  for (const name of REQUIRED_COLUMNS) {
    if (!columns.includes(name)) issues.push({ line: header.line, column: name, key: 'missingColumn', params: { column: name } });
  }
  if (body.length === 0) issues.push({ line: header.line, column: '', key: 'empty' });
  if (body.length > MAX_IMPORT_ROWS) issues.push({ line: header.line, column: '', key: 'tooManyRows', params: { max: MAX_IMPORT_ROWS } });
  if (issues.length > 0) return { rows: [], issues };

  const rows: ImportRow[] = [];
  const firstLineOf = new Map<string, number>();
  for (const { record, line } of body) {
    if (record.length > MAX_IMPORT_COLUMNS) {
      issues.push({ line, column: '', key: 'tooManyColumns', params: { max: MAX_IMPORT_COLUMNS } });
      continue;
    }
    if (record.length !== columns.length) {
      issues.push({ line, column: '', key: 'columnCount', params: { expected: columns.length, actual: record.length } });
      continue;
    }
    const cell = (name: ImportColumn): string => record[columns.indexOf(name)] ?? '';
    const rowIssues: ImportIssue[] = [];
    const problem = (column: ImportColumn, key: string, params?: Record<string, string | number>) =>
      rowIssues.push({ line, column, key, ...(params && { params }) });

    const username = cell('username');
    if (username === '') problem('username', 'required', { column: 'username' });
    else if (!USERNAME.test(username)) problem('username', 'usernameFormat');
    else if (isDeviceUsername(username)) problem('username', 'usernameReserved', { username });
    else if (firstLineOf.has(username)) problem('username', 'duplicateInFile', { username, line: firstLineOf.get(username) ?? 0 });
    else firstLineOf.set(username, line);

    const displayName = cell('display_name');
    if (displayName === '') problem('display_name', 'required', { column: 'display_name' });
    else if (displayName.length > 64) problem('display_name', 'tooLong', { column: 'display_name', max: 64 });

    const roleCell = cell('role');
    const role = ROLE_BY_NAME.get(roleCell.toLowerCase()) ?? null;
    if (role === null) problem('role', 'roleInvalid', { value: roleCell });

    const password = cell('password');
    if (password !== '' && (password.length < 8 || password.length > 200)) problem('password', 'passwordLength');
    if (password === '' && role !== null && role !== 'student') problem('password', 'passwordRequired');

    let student: ImportRow['student'] = null;
    if (role === 'student') {
      const grade = cell('grade');
      if (grade === '') problem('grade', 'gradeRequired');
      else if (!/^[1-9]$/.test(grade)) problem('grade', 'gradeInvalid');
      const className = cell('class_name');
      if (className.length > 50) problem('class_name', 'tooLong', { column: 'class_name', max: 50 });
      const homeDelivery = cell('home_delivery').toLowerCase();
      if (!YES.has(homeDelivery) && !NO.has(homeDelivery)) problem('home_delivery', 'homeDeliveryInvalid');
      student = { grade: Number(grade), className, homeDelivery: YES.has(homeDelivery) };
    } else if (role !== null) {
      for (const name of STUDENT_COLUMNS) if (cell(name) !== '') problem(name, 'studentOnly', { column: name });
    }

    issues.push(...rowIssues);
    if (rowIssues.length === 0 && role !== null) rows.push({ line, username, displayName, role, password: password === '' ? null : password, student });
  }
  return { rows, issues };
}
