import { Type, type Static } from 'typebox';
import { LOCALES } from '../i18n/index.js';
import { ROLES } from '../roles.js';
import { RowId } from './common.js';

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

/** A role grant as the client sees it, with the names of its scope for display. */
export const RoleGrantView = Type.Object({
  id: Type.Integer(),
  role: Type.Enum(ROLES),
  regionId: Type.Union([Type.Integer(), Type.Null()]),
  groupId: Type.Union([Type.Integer(), Type.Null()]),
  schoolId: Type.Union([Type.Integer(), Type.Null()]),
  classroomId: Type.Union([Type.Integer(), Type.Null()]),
  scopeName: Type.String(),
});
export type RoleGrantView = Static<typeof RoleGrantView>;

export const SESSION_KIND_VALUES = ['password', 'device', 'student_link'] as const;

/** What the signed-in user may do somewhere in her reach (server/policy/capabilities.ts): the admin pages offer only these. */
export const Capabilities = Type.Object({
  createRegion: Type.Boolean(),
  createGroup: Type.Boolean(),
  createSchool: Type.Boolean(),
  /** Edit or deactivate a school (a school admin may not: it is her group's or region's to manage). */
  manageSchool: Type.Boolean(),
  createClassroom: Type.Boolean(),
});
export type Capabilities = Static<typeof Capabilities>;

/** Who is signed in (GET /api/auth/me). */
export const MeResponse = Type.Object({
  user: Type.Object({
    id: Type.Integer(),
    username: Type.String(),
    displayName: Type.String(),
    locale: Type.Union([Type.Enum(LOCALES), Type.Null()]),
  }),
  grants: Type.Array(RoleGrantView),
  sessionKind: Type.Enum(SESSION_KIND_VALUES),
  /** Student-link sessions reach only this course. */
  courseOnly: Type.Union([Type.Integer(), Type.Null()]),
  can: Capabilities,
});
export type MeResponse = Static<typeof MeResponse>;

export const CsrfResponse = Type.Object({ token: Type.String() });

/** A classroom device pairs with the code an admin was shown. */
export const PairBody = Type.Object({ code: Type.String({ minLength: 6, maxLength: 12 }) }, { additionalProperties: false });
export type PairBody = Static<typeof PairBody>;

/** A home-bound student opens her signed link. */
export const StudentLinkBody = Type.Object({ token: Type.String({ minLength: 10, maxLength: 1000 }) }, { additionalProperties: false });
export type StudentLinkBody = Static<typeof StudentLinkBody>;

export const LocaleBody = Type.Object({ locale: Type.Enum(LOCALES) }, { additionalProperties: false });
export type LocaleBody = Static<typeof LocaleBody>;

export const PairingCodeResponse = Type.Object({ code: Type.String(), expiresAt: Type.String({ format: 'date-time' }) });
export type PairingCodeResponse = Static<typeof PairingCodeResponse>;

export const StudentLinkCreateBody = Type.Object(
  { studentId: RowId, validDays: Type.Integer({ minimum: 1, maximum: 180, default: 30 }) },
  { additionalProperties: false },
);
export type StudentLinkCreateBody = Static<typeof StudentLinkCreateBody>;
export const StudentLinkResponse = Type.Object({ url: Type.String(), expiresAt: Type.String({ format: 'date-time' }) });
export type StudentLinkResponse = Static<typeof StudentLinkResponse>;

/** One issued student link as a course's admin sees it (GET /api/courses/:id/student-links); never the token. */
export const StudentLinkView = Type.Object({
  id: Type.Integer(),
  studentId: Type.Integer(),
  studentName: Type.String(),
  issuedByName: Type.Union([Type.String(), Type.Null()]),
  issuedAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type StudentLinkView = Static<typeof StudentLinkView>;
export const StudentLinkList = Type.Object({ links: Type.Array(StudentLinkView) });
export type StudentLinkList = Static<typeof StudentLinkList>;
/** DELETE /api/courses/:id/student-links/:linkId */
export const StudentLinkParams = Type.Object({ id: RowId, linkId: RowId });
export type StudentLinkParams = Static<typeof StudentLinkParams>;

/** What every visitor may know about this instance (GET /api/instance), for the first-run banner and /setup. */
export const InstanceResponse = Type.Object({
  /** Accounts with the published demo password exist and the server listens beyond this machine. */
  demoWarning: Type.Boolean(),
  /** No system administrator exists yet: /setup creates the first with the token printed in the log. */
  setupRequired: Type.Boolean(),
});
export type InstanceResponse = Static<typeof InstanceResponse>;
