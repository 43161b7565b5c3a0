import { table, id, int, instant, text, index, type AnyColumn } from './columns.js';
import { users } from './people.js';
import { classrooms } from './organisation.js';
import { courses } from './teaching.js';

export const SESSION_KINDS = ['password', 'device', 'student_link'] as const;

/** A signed-in browser. The cookie holds a random token; only its SHA-256 is stored. */
export const sessions = table(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: int('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: SESSION_KINDS }).notNull(),
    /** A student-link session may only reach this course. */
    courseId: int('course_id').references(() => courses.id),
    /** The student link this session was opened with: revoking the link ends it. */
    studentLinkId: int('student_link_id').references((): AnyColumn => studentLinks.id, { onDelete: 'cascade' }),
    createdAt: instant('created_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
    lastSeenAt: instant('last_seen_at').notNull(),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_student_link_idx').on(t.studentLinkId)],
);

/**
 * A student link as issued: the signed token names this row, so each link can be listed and revoked on
 * its own. The token itself is never stored.
 */
export const studentLinks = table(
  'student_links',
  {
    id: id(),
    studentId: int('student_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    courseId: int('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    issuedBy: int('issued_by').references(() => users.id, { onDelete: 'set null' }),
    issuedAt: instant('issued_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
    revokedAt: instant('revoked_at'),
  },
  (t) => [index('student_links_course_idx').on(t.courseId)],
);

/** A short code an admin shows to pair a receiving-classroom device once. */
export const devicePairings = table(
  'device_pairings',
  {
    id: id(),
    code: text('code').notNull(),
    classroomId: int('classroom_id').notNull().references(() => classrooms.id),
    createdBy: int('created_by').notNull().references(() => users.id),
    createdAt: instant('created_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
    usedAt: instant('used_at'),
  },
  (t) => [index('device_pairings_code_idx').on(t.code)],
);
