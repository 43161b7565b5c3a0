import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { users } from './people.js';
import { classrooms } from './organisation.js';
import { courses } from './teaching.js';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

export const SESSION_KINDS = ['password', 'device', 'student_link'] as const;

/** A signed-in browser. The cookie holds a random token; only its SHA-256 is stored. */
export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: SESSION_KINDS }).notNull(),
    /** A student-link session may only reach this course. */
    courseId: integer('course_id').references(() => courses.id),
    /** The student link this session was opened with: revoking the link ends it. */
    studentLinkId: integer('student_link_id').references((): AnySQLiteColumn => studentLinks.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_student_link_idx').on(t.studentLinkId)],
);

/**
 * A student link as issued: the signed token names this row, so each link can be listed and revoked on
 * its own. The token itself is never stored.
 */
export const studentLinks = sqliteTable(
  'student_links',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    studentId: integer('student_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    courseId: integer('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    issuedBy: integer('issued_by').references(() => users.id, { onDelete: 'set null' }),
    issuedAt: integer('issued_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('student_links_course_idx').on(t.courseId)],
);

/** A short code an admin shows to pair a receiving-classroom device once. */
export const devicePairings = sqliteTable(
  'device_pairings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull(),
    classroomId: integer('classroom_id').notNull().references(() => classrooms.id),
    createdBy: integer('created_by').notNull().references(() => users.id),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    usedAt: integer('used_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('device_pairings_code_idx').on(t.code)],
);
