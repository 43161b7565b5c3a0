import type { PDFDocumentLoadingTask, PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import { coursewareDocumentUrl } from '../../../shared/api/courseware.js';

/**
 * PDF.js, loaded the first time a page shows a document: a lesson without courseware does not download
 * its ~400 kB. It parses in a worker that Vite bundles as its own file.
 */
async function loadPdfJs() {
  const [pdfjs, worker] = await Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]);
  pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
  return pdfjs;
}

/**
 * Courseware documents as PDF.js has them, one load per document per page: every site fetches a document
 * ONCE (a whole-file GET the browser caches — immutable under its ETag — not range requests), and only page
 * turns travel live after that.
 */
export class CoursewareDocuments {
  readonly #loading = new Map<number, PDFDocumentLoadingTask>();
  #pdfjs: ReturnType<typeof loadPdfJs> | null = null;
  /** The render under way on each canvas: a quick second page turn cancels the first (PDF.js refuses two at once). */
  readonly #rendering = new WeakMap<HTMLCanvasElement, RenderTask>();

  async get(coursewareId: number): Promise<PDFDocumentProxy> {
    this.#pdfjs ??= loadPdfJs();
    const { getDocument } = await this.#pdfjs;
    let loading = this.#loading.get(coursewareId);
    if (!loading) {
      loading = getDocument({ url: coursewareDocumentUrl(coursewareId), withCredentials: true, disableRange: true, disableStream: true, disableAutoFetch: true });
      this.#loading.set(coursewareId, loading);
      // A failed load may be tried again (the link was down), not remembered as failed for the lesson.
      loading.promise.catch((error: unknown) => {
        console.warn(`courseware ${coursewareId} did not load`, error);
        this.#loading.delete(coursewareId);
      });
    }
    return loading.promise;
  }

  /**
   * Draws one page into the canvas, fitted into width × height (CSS pixels) at the screen's pixel ratio;
   * returns the size it drew at.
   */
  async render(coursewareId: number, pageNumber: number, canvas: HTMLCanvasElement, width: number, height: number): Promise<{ width: number; height: number }> {
    const document = await this.get(coursewareId);
    const page = await document.getPage(Math.min(pageNumber, document.numPages));
    const natural = page.getViewport({ scale: 1 });
    const scale = Math.min(width / natural.width, height / natural.height);
    const ratio = window.devicePixelRatio || 1;
    const viewport = page.getViewport({ scale: scale * ratio });
    this.#rendering.get(canvas)?.cancel();
    canvas.width = Math.round(viewport.width);
    canvas.height = Math.round(viewport.height);
    const task = page.render({ canvas, viewport });
    this.#rendering.set(canvas, task);
    await task.promise;
    return { width: viewport.width / ratio, height: viewport.height / ratio };
  }

  /** Whether a render failed only because a newer one on the same canvas replaced it. */
  static superseded(error: unknown): boolean {
    return error instanceof Error && error.name === 'RenderingCancelledException';
  }

  close(): void {
    for (const loading of this.#loading.values()) void loading.destroy();
    this.#loading.clear();
  }
}
