import { MAX_COURSEWARE_BYTES, MAX_COURSEWARE_PAGES, type CoursewareView } from '../../shared/api/courseware.js';
import { ApiError, notFound } from '../core/errors.js';
import type { AttachmentStore } from '../core/file-store.js';
import type { CoursewareListed, CoursewareRepository } from './repository.js';
import type { ConversionJobs } from './jobs.js';
import { PROGRESS } from './jobs.js';
import { sniffCoursewareKind } from './kind.js';
import { checkPdf, PdfRefused } from './pdf.js';

/** An upload as the route received it. */
export interface CoursewareUpload {
  courseId: number;
  fileName: string;
  title?: string | undefined;
  bytes: Buffer;
  uploadedBy: number;
}

/** A file to send: its bytes and what they are. */
export interface CoursewareFile {
  bytes: Buffer;
  sha256: string;
  fileName: string;
  title: string;
}

const CONTENT_TYPES = {
  pdf: 'application/pdf',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
} as const;

/** The title a document gets when the teacher gives none: its file name without the extension. */
export const titleFromFileName = (fileName: string): string => (fileName.replace(/\.[A-Za-z0-9]{1,5}$/, '').trim() || fileName).slice(0, 100);

/**
 * A course's documents: upload (told by its bytes; a PDF is checked and ready at once, an office document
 * is queued for conversion), views with live conversion progress, rename, remove, and the bytes to send.
 * Who may do which is the routes' business (policy); this knows documents.
 */
export class CoursewareService {
  constructor(
    private readonly repo: CoursewareRepository,
    private readonly store: AttachmentStore,
    private readonly jobs: Pick<ConversionJobs, 'kick' | 'progressOf'>,
  ) {}

  /** @throws {ApiError} file_empty, file_too_large, courseware_type_not_allowed, broken_file, too_many_pages */
  async upload(upload: CoursewareUpload): Promise<CoursewareView> {
    const { bytes, fileName } = upload;
    if (bytes.length === 0) throw new ApiError('file_empty', { name: fileName });
    if (bytes.length > MAX_COURSEWARE_BYTES) throw new ApiError('file_too_large', { name: fileName, maxMb: MAX_COURSEWARE_BYTES / 1024 / 1024 });
    const kind = sniffCoursewareKind(fileName, bytes);
    if (kind === null) throw new ApiError('courseware_type_not_allowed', { name: fileName });
    // A PDF is checked before anything is stored: a broken one changes nothing.
    const pageCount = kind === 'pdf' ? await this.#checkUploadedPdf(fileName, bytes) : null;
    const { sha256 } = await this.store.put(bytes);
    const id = await this.repo.insert({
      courseId: upload.courseId,
      title: upload.title?.trim() || titleFromFileName(fileName),
      fileName,
      sourceKind: kind,
      sourceSha256: sha256,
      sizeBytes: bytes.length,
      status: kind === 'pdf' ? 'ready' : 'converting',
      progress: kind === 'pdf' ? PROGRESS.ready : PROGRESS.queued,
      pdfSha256: kind === 'pdf' ? sha256 : null,
      pageCount,
      uploadedBy: upload.uploadedBy,
    });
    if (kind !== 'pdf') this.jobs.kick();
    return this.view(id);
  }

  async #checkUploadedPdf(fileName: string, bytes: Buffer): Promise<number> {
    try {
      return await checkPdf(bytes);
    } catch (error) {
      if (error instanceof PdfRefused && error.reason === 'too_many_pages') throw new ApiError('too_many_pages', { name: fileName, pages: error.pageCount ?? 0, max: MAX_COURSEWARE_PAGES });
      if (error instanceof PdfRefused) throw new ApiError('broken_file', { name: fileName });
      throw error;
    }
  }

  async list(courseId: number): Promise<CoursewareView[]> {
    return (await this.repo.ofCourse(courseId)).map((row) => this.#toView(row));
  }

  /** The course a document belongs to (for the policy decision). @throws {ApiError} not_found, also when removed */
  async courseOf(id: number): Promise<number> {
    return (await this.#row(id)).courseId;
  }

  async view(id: number): Promise<CoursewareView> {
    return this.#toView(await this.#row(id));
  }

  async rename(id: number, title: string): Promise<CoursewareView> {
    await this.#row(id);
    await this.repo.rename(id, title.trim());
    return this.view(id);
  }

  /** Removes it from the course's list (the row and bytes stay: lessons that showed it still name it). */
  async remove(id: number): Promise<void> {
    await this.#row(id);
    await this.repo.remove(id, new Date());
  }

  /** The PDF every site renders. @throws {ApiError} not_found until it is ready */
  async document(id: number): Promise<CoursewareFile> {
    const row = await this.#row(id);
    if (row.status !== 'ready' || row.pdfSha256 === null) throw notFound();
    return { ...(await this.#bytes(row.pdfSha256)), fileName: row.fileName, title: row.title };
  }

  /** The file as it was uploaded, with the content type of its kind. */
  async source(id: number): Promise<CoursewareFile & { contentType: string }> {
    const row = await this.#row(id);
    return { ...(await this.#bytes(row.sourceSha256)), fileName: row.fileName, title: row.title, contentType: CONTENT_TYPES[row.sourceKind] };
  }

  async #bytes(sha256: string): Promise<{ bytes: Buffer; sha256: string }> {
    const bytes = await this.store.get(sha256);
    if (!bytes) throw new Error(`courseware file ${sha256} is missing from the file store`);
    return { bytes, sha256 };
  }

  async #row(id: number): Promise<CoursewareListed> {
    const row = await this.repo.find(id);
    if (!row) throw notFound();
    return row;
  }

  #toView(row: CoursewareListed): CoursewareView {
    return {
      id: row.id,
      courseId: row.courseId,
      title: row.title,
      fileName: row.fileName,
      sourceKind: row.sourceKind,
      sizeBytes: row.sizeBytes,
      status: row.status,
      progress: row.status === 'converting' ? Math.max(row.progress, this.jobs.progressOf(row.id) ?? 0) : row.status === 'ready' ? PROGRESS.ready : row.progress,
      pageCount: row.pageCount,
      error: row.error,
      uploadedBy: row.uploaderName,
      createdAt: row.createdAt.toISOString(),
    };
  }
}
