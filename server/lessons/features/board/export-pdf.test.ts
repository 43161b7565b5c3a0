import { describe, expect, it } from 'vitest';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import type { KeptBoardPage } from '../../../../shared/lesson/features/board.js';
import { boardPdf } from './export-pdf.js';

/** The base names of the fonts a PDF embeds (a subset's name carries a six-letter tag: ABCDEF+Name). */
async function fontNames(bytes: Uint8Array): Promise<string[]> {
  const pdf = await PDFDocument.load(bytes);
  return pdf.context
    .enumerateIndirectObjects()
    .flatMap(([, object]) => (object instanceof PDFDict && object.get(PDFName.of('Type')) === PDFName.of('Font') ? [String(object.get(PDFName.of('BaseFont')))] : []))
    .map((name) => name.replace(/^\/([A-Z]{6}\+)?/, ''));
}

const page = (texts: string[]): KeptBoardPage => ({
  id: 'p1',
  source: { kind: 'blank' },
  items: texts.map((text, i) => ({ kind: 'text', id: `t${i}`, at: [1000, 1000 + i * 1500], text, size: 600, colour: 'black' })),
});

describe('the board as a PDF', () => {
  it('embeds the CJK font (its glyphs in use) only when Chinese text is on the board', async () => {
    expect(await fontNames(await boardPdf([page(['Spring'])], async () => null))).toEqual(['Helvetica']);
    const chinese = await boardPdf([page(['春天来了', 'Spring'])], async () => null);
    expect(new Set((await fontNames(chinese)).map((name) => name.split('-')[0]))).toEqual(new Set(['DroidSansFallback', 'Helvetica']));
    // A subset: the 4 MB font is not carried whole for a few characters.
    expect(chinese.byteLength).toBeLessThan(200_000);
  });

  it('still exports when the CJK font is missing, framing the text it cannot set', async () => {
    const bytes = await boardPdf([page(['春天来了'])], async () => null, '/nonexistent/font.ttf');
    expect(await fontNames(bytes)).toEqual(['Helvetica']);
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(1);
  });
});
