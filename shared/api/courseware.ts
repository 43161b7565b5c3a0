import { Type, type Static } from 'typebox';
import { RowId } from './common.js';

/*
 * Courseware (文档课件): documents a lead teacher keeps with her course and shows in lessons. A PDF is kept as
 * it is; PPT/PPTX/DOC/DOCX are converted to PDF on the server (LibreOffice) by a job whose progress the
 * teacher sees. Every site renders the PDF itself (PDF.js) and fetches it once: only page turns travel live.
 *
 * Routes (under /api):
 *   GET    /courses/:courseId/courseware           the course's documents (teachers of the course; sites of it read)
 *   POST   /courses/:courseId/courseware           upload: raw bytes, `Content-Type: application/octet-stream`,
 *                                                  the file name in `?name=` (URL-encoded); 413 / 415 / 422 refuse
 *   GET    /courseware/:coursewareId               one document's view (status, progress, pages)
 *   PATCH  /courseware/:coursewareId               rename
 *   DELETE /courseware/:coursewareId               removes it from the course (lessons that showed it keep their board)
 *   GET    /courseware/:coursewareId/document      the PDF, for anyone who may see the course's lessons;
 *                                                  immutable content (ETag = its sha256), `private, max-age`
 *   GET    /courseware/:coursewareId/source        the file as uploaded (teachers of the course)
 */

/** Where a document's PDF is fetched: by the board, the teacher's preview, a material's opening. */
export const coursewareDocumentUrl = (coursewareId: number): string => `/api/courseware/${coursewareId}/document`;

/** Kinds of file a teacher may upload, told by their bytes (a PPTX named .pdf is a PPTX). */
export const COURSEWARE_SOURCE_KINDS = ['pdf', 'ppt', 'pptx', 'doc', 'docx'] as const;
export type CoursewareSourceKind = (typeof COURSEWARE_SOURCE_KINDS)[number];

/** `converting` while LibreOffice works on it (a PDF is `ready` at once); `failed` says why in `error`. */
export const COURSEWARE_STATUSES = ['converting', 'ready', 'failed'] as const;
export type CoursewareStatus = (typeof COURSEWARE_STATUSES)[number];

/** Why a conversion failed, as an error code the client words for the teacher. */
export const COURSEWARE_FAILURES = ['conversion_failed', 'conversion_timed_out', 'converter_missing', 'too_many_pages', 'broken_file'] as const;
export type CoursewareFailure = (typeof COURSEWARE_FAILURES)[number];

/** The largest upload, in bytes (50 MiB). */
export const MAX_COURSEWARE_BYTES = 50 * 1024 * 1024;
/** The most pages a document may have (a deck of 300 slides is a mistake, not a lesson). */
export const MAX_COURSEWARE_PAGES = 300;

export const CourseParams = Type.Object({ courseId: RowId });
export type CourseParams = Static<typeof CourseParams>;
export const CoursewareParams = Type.Object({ coursewareId: RowId });
export type CoursewareParams = Static<typeof CoursewareParams>;

/** One document of a course, as the teacher's list and the lesson's board picker show it. */
export const CoursewareView = Type.Object({
  id: Type.Integer(),
  courseId: Type.Integer(),
  title: Type.String(),
  /** The file name it was uploaded with. */
  fileName: Type.String(),
  sourceKind: Type.Enum(COURSEWARE_SOURCE_KINDS),
  sizeBytes: Type.Integer(),
  status: Type.Enum(COURSEWARE_STATUSES),
  /** 0–100 while converting. */
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  /** Pages of the PDF, once ready. */
  pageCount: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.Enum(COURSEWARE_FAILURES), Type.Null()]),
  /** Who uploaded it. */
  uploadedBy: Type.String(),
  createdAt: Type.String(),
});
export type CoursewareView = Static<typeof CoursewareView>;

export const CoursewareList = Type.Object({ items: Type.Array(CoursewareView) });
export type CoursewareList = Static<typeof CoursewareList>;

export const CoursewareUploadQuery = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), title: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) });
export type CoursewareUploadQuery = Static<typeof CoursewareUploadQuery>;

export const CoursewareRename = Type.Object({ title: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
export type CoursewareRename = Static<typeof CoursewareRename>;
