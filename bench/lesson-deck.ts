/**
 * A lesson-like deck for the board bench, made with pdf-lib: each page a coloured title bar, six lines of
 * text, a bar chart and a 48×27 mosaic of colours standing in for a photograph. The courseware fixture (one
 * line of large text a page) is the cheapest thing a screen share can send; slides teachers show carry
 * pictures and more text, which cost a video encoder more and the board nothing more.
 */
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';

/** A deterministic pseudo-random sequence, so every run encodes the same pictures. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

export async function lessonLikeDeck(pages = 3): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const random = lcg(11);
  for (let n = 1; n <= pages; n++) {
    const page = pdf.addPage([842, 595]);
    page.drawRectangle({ x: 0, y: 525, width: 842, height: 70, color: rgb(0.12, 0.3, 0.55) });
    page.drawText(`Lesson ${n}: Spring in the village`, { x: 30, y: 548, size: 30, font: bold, color: rgb(1, 1, 1) });
    for (let line = 0; line < 6; line++) {
      page.drawText(`${line + 1}. The swallows return in March; the river rises ${n * 3 + line} cm; we measure and compare.`, { x: 30, y: 480 - line * 26, size: 15, font, color: rgb(0.1, 0.1, 0.1) });
    }
    // A bar chart under the text.
    for (let bar = 0; bar < 8; bar++) {
      const height = 40 + random() * 120;
      page.drawRectangle({ x: 40 + bar * 42, y: 60, width: 30, height, color: rgb(0.2 + random() * 0.6, 0.4, 0.2 + random() * 0.6) });
    }
    // The "photograph": a mosaic of 48×27 coloured cells, smoothly varying with some noise, as a picture does.
    const cell = 8;
    for (let row = 0; row < 27; row++) {
      for (let col = 0; col < 48; col++) {
        const r = Math.min(1, 0.3 + 0.5 * Math.sin((col + n * 7) / 9) ** 2 + random() * 0.2);
        const g = Math.min(1, 0.4 + 0.4 * Math.cos((row + col) / 11) ** 2 + random() * 0.2);
        const b = Math.min(1, 0.2 + 0.6 * (row / 27) + random() * 0.2);
        page.drawRectangle({ x: 420 + col * cell, y: 60 + row * cell, width: cell, height: cell, color: rgb(r, g, b) });
      }
    }
  }
  pdf.setCreationDate(new Date('2026-01-01T00:00:00Z'));
  pdf.setModificationDate(new Date('2026-01-01T00:00:00Z'));
  return Buffer.from(await pdf.save());
}
