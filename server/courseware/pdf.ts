import { PDFDocument } from 'pdf-lib';
import { MAX_COURSEWARE_PAGES, type CoursewareFailure } from '../../shared/api/courseware.js';

/** Why a PDF cannot be shown: it does not open, or it has more pages than a lesson shows. */
export class PdfRefused extends Error {
  constructor(
    readonly reason: Extract<CoursewareFailure, 'broken_file' | 'too_many_pages'>,
    readonly pageCount: number | null = null,
  ) {
    super(reason);
    this.name = 'PdfRefused';
  }
}

/**
 * The page count of a PDF every site's PDF.js will be asked to render. pdf-lib parses the whole document
 * (not only the trailer), so a file cut short or with a broken page tree is refused here rather than in
 * thirty classrooms during the lesson. Encrypted files are refused too: PDF.js would ask for a password.
 * @throws {PdfRefused}
 */
export async function checkPdf(bytes: Uint8Array): Promise<number> {
  let pageCount: number;
  try {
    const document = await PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: true });
    if (document.isEncrypted) throw new PdfRefused('broken_file');
    pageCount = document.getPageCount();
  } catch (error) {
    if (error instanceof PdfRefused) throw error;
    throw new PdfRefused('broken_file');
  }
  if (pageCount < 1) throw new PdfRefused('broken_file');
  if (pageCount > MAX_COURSEWARE_PAGES) throw new PdfRefused('too_many_pages', pageCount);
  return pageCount;
}
