import { table, id, int, instant, text, index, NOW_MS } from './columns.js';
import { users } from './people.js';
import { courses } from './teaching.js';
import { COURSEWARE_FAILURES, COURSEWARE_SOURCE_KINDS, COURSEWARE_STATUSES } from '../../../shared/api/courseware.js';

/**
 * A document of a course (文档课件). The bytes live in the file store under their SHA-256: the file as
 * uploaded (`source_sha256`) and the PDF every site renders (`pdf_sha256`, the same for an uploaded PDF,
 * set when a conversion finishes). A removed document keeps its row (`removed_at`): lessons and materials
 * that used it still name it.
 */
export const courseware = table(
  'courseware',
  {
    id: id(),
    courseId: int('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    fileName: text('file_name').notNull(),
    sourceKind: text('source_kind', { enum: COURSEWARE_SOURCE_KINDS }).notNull(),
    sourceSha256: text('source_sha256').notNull(),
    sizeBytes: int('size_bytes').notNull(),
    status: text('status', { enum: COURSEWARE_STATUSES }).notNull(),
    progress: int('progress').notNull().default(0),
    pdfSha256: text('pdf_sha256'),
    pageCount: int('page_count'),
    error: text('error', { enum: COURSEWARE_FAILURES }),
    /**
     * While `converting`: the node that claimed the conversion, and until when its claim holds (renewed while
     * LibreOffice works). Several nodes read one queue; a claim makes one of them convert each document, and a
     * claim left by a node that died lapses so that another takes the document over.
     */
    conversionNode: text('conversion_node'),
    conversionLeaseUntil: instant('conversion_lease_until'),
    uploadedBy: int('uploaded_by').notNull().references(() => users.id),
    createdAt: instant('created_at').notNull().default(NOW_MS),
    removedAt: instant('removed_at'),
  },
  (t) => [index('courseware_course_idx').on(t.courseId), index('courseware_status_idx').on(t.status)],
);
