import { Type, type Static } from 'typebox';
import { LOCALES } from '../i18n/index.js';
import { ROLES } from '../roles.js';
import { Name, RowId } from './common.js';
import { RoleGrantView } from './auth.js';

/** A role to grant: the scope column that the role's kind names must be set (ROLE_SCOPE_KIND). */
export const RoleGrantInput = Type.Object(
  {
    role: Type.Enum(ROLES),
    regionId: Type.Optional(Type.Union([RowId, Type.Null()])),
    groupId: Type.Optional(Type.Union([RowId, Type.Null()])),
    schoolId: Type.Optional(Type.Union([RowId, Type.Null()])),
    classroomId: Type.Optional(Type.Union([RowId, Type.Null()])),
  },
  { additionalProperties: false },
);
export type RoleGrantInput = Static<typeof RoleGrantInput>;
/** DELETE /api/users/:id/grants/:grantId */
export const UserGrantParams = Type.Object({ id: RowId, grantId: RowId });
export type UserGrantParams = Static<typeof UserGrantParams>;

export const StudentProfile = Type.Object({
  schoolId: RowId,
  grade: Type.Integer({ minimum: 1, maximum: 9 }),
  className: Type.String({ maxLength: 50 }),
  homeDelivery: Type.Boolean(),
});
export type StudentProfile = Static<typeof StudentProfile>;

export const User = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  active: Type.Boolean(),
  locale: Type.Union([Type.Enum(LOCALES), Type.Null()]),
  hasPassword: Type.Boolean(),
  lockedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  grants: Type.Array(RoleGrantView),
  student: Type.Union([StudentProfile, Type.Null()]),
});
export type User = Static<typeof User>;

export const Username = Type.String({ minLength: 2, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' });
export const Password = Type.String({ minLength: 8, maxLength: 200 });

export const UserCreate = Type.Object(
  {
    username: Username,
    displayName: Name(64),
    password: Type.Optional(Password),
    grants: Type.Array(RoleGrantInput, { minItems: 1, maxItems: 10 }),
    student: Type.Optional(StudentProfile),
  },
  { additionalProperties: false },
);
export type UserCreate = Static<typeof UserCreate>;

/**
 * A created account (POST /api/users). `initialPassword` is the password the server generated when none
 * was given (staff only: students sign in with their link): shown once, never retrievable again.
 */
export const UserCreated = Type.Object({ ...User.properties, initialPassword: Type.Optional(Type.String()) });
export type UserCreated = Static<typeof UserCreated>;

export const UserUpdate = Type.Partial(
  Type.Object({ displayName: Name(64), active: Type.Boolean(), password: Password, unlock: Type.Literal(true), student: StudentProfile }),
  { additionalProperties: false },
);
export type UserUpdate = Static<typeof UserUpdate>;

export const UserListQuery = Type.Object({
  schoolId: Type.Optional(RowId),
  role: Type.Optional(Type.Enum(ROLES)),
  q: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});
export type UserListQuery = Static<typeof UserListQuery>;
export const UserList = Type.Object({ total: Type.Integer(), users: Type.Array(User) });
export type UserList = Static<typeof UserList>;

/** How an uploaded user list was read: CSV text in one of these encodings, or an Excel workbook. */
export const IMPORT_ENCODINGS = ['utf-8', 'utf-8-bom', 'gb18030', 'xlsx'] as const;
export type ImportEncoding = (typeof IMPORT_ENCODINGS)[number];

/**
 * Import of users/students into one school (POST /api/users/import). Columns (header row): 用户名/username,
 * 姓名/display_name, 角色/role, 密码/password, 年级/grade, 班级/class_name, 送教上门/home_delivery.
 * Either `file` — the uploaded file's bytes, base64: CSV in UTF-8 (with or without BOM) or GBK/GB18030,
 * detected, or an XLSX workbook (first sheet) — or `csv`, text already decoded.
 * All rows are checked first; any error imports nothing. `dryRun` only checks.
 */
export const UserImportBody = Type.Object(
  {
    schoolId: RowId,
    csv: Type.Optional(Type.String({ minLength: 1, maxLength: 2_000_000 })),
    /** base64 of at most 1 MiB (the import's byte bound). */
    file: Type.Optional(Type.String({ minLength: 1, maxLength: 1_400_000 })),
    dryRun: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UserImportBody = Static<typeof UserImportBody>;
/** GET /api/users/import-template: the template with Chinese column names and roles, as CSV (UTF-8 with BOM) or XLSX. */
export const ImportTemplateQuery = Type.Object({ format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])) });
export type ImportTemplateQuery = Static<typeof ImportTemplateQuery>;
/** One problem in an import file: its line (1 = header), column name ('' for the whole row) and a message in the caller's language. */
export const UserImportError = Type.Object({ line: Type.Integer(), column: Type.String(), message: Type.String() });
export type UserImportError = Static<typeof UserImportError>;
export const UserImportResult = Type.Object({
  /** Accounts created (with dryRun: accounts that would be created). */
  imported: Type.Integer(),
  dryRun: Type.Boolean(),
  errors: Type.Array(UserImportError),
  /** Student accounts created without a password: they can only sign in with a student link. */
  withoutPassword: Type.Array(Type.String()),
  /** What the importer should know, in the caller's language (e.g. which accounts have no password). */
  notices: Type.Array(Type.String()),
  /** How the file was read (shown in the preview, so a wrong guess is seen before importing). */
  encoding: Type.Optional(Type.Enum(IMPORT_ENCODINGS)),
});
export type UserImportResult = Static<typeof UserImportResult>;

/** POST /api/setup: the first system administrator, with the one-time token printed in the server log. */
export const SetupBody = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 200 }), username: Username, displayName: Name(64), password: Password },
  { additionalProperties: false },
);
export type SetupBody = Static<typeof SetupBody>;
