import { readFile } from 'node:fs/promises';
import fontkit from '@pdf-lib/fontkit';
import { LineCapStyle, PDFDocument, PDFFont, PDFPage, rgb, StandardFonts, type RGB } from 'pdf-lib';
import { PAGE_SPACE, type BoardColour, type BoardItem, type KeptBoardPage } from '../../../../shared/lesson/features/board.js';

/** A4 landscape in PDF points: a blank board page's paper. */
const A4_LANDSCAPE: [number, number] = [841.89, 595.28];

const COLOURS: Record<BoardColour, RGB> = {
  black: rgb(0.1, 0.1, 0.1),
  red: rgb(0.85, 0.15, 0.15),
  blue: rgb(0.1, 0.35, 0.85),
  green: rgb(0.1, 0.6, 0.25),
  orange: rgb(0.95, 0.55, 0.1),
  white: rgb(1, 1, 1),
};

/**
 * A TrueType font with Chinese for text written on the board: Debian's fonts-droid-fallback, installed with
 * LibreOffice by scripts/ensure-libreoffice.mjs (pdf-lib embeds TrueType, not the Noto CJK collections).
 */
export const BOARD_CJK_FONT = '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf';

/** The fonts of one export: Helvetica for Latin text, and the CJK font when a text needs it and it is there. */
interface ExportFonts {
  latin: PDFFont;
  cjk: PDFFont | null;
}

/** The bytes of a courseware document's PDF, or null when it is gone. */
export type DocumentBytes = (coursewareId: number) => Promise<Uint8Array | null>;

/**
 * The kept board as one PDF: each page over its courseware page (copied from the document's PDF) or over
 * blank A4 landscape, the ink drawn as vector paths — it prints sharp at any size and stays a few kB a page.
 * A document that is gone leaves its page blank with the ink on it.
 */
export async function boardPdf(pages: KeptBoardPage[], documentBytes: DocumentBytes, cjkFontFile = BOARD_CJK_FONT): Promise<Uint8Array> {
  const out = await PDFDocument.create();
  const fonts = await exportFonts(out, pages, cjkFontFile);
  const sources = new Map<number, PDFDocument | null>();
  for (const kept of pages) {
    let page: PDFPage | null = null;
    if (kept.source.kind === 'document') {
      const { coursewareId, pageNumber } = kept.source;
      if (!sources.has(coursewareId)) {
        const bytes = await documentBytes(coursewareId);
        sources.set(coursewareId, bytes ? await PDFDocument.load(bytes, { ignoreEncryption: true }) : null);
      }
      const source = sources.get(coursewareId);
      if (source && pageNumber <= source.getPageCount()) page = (await out.copyPages(source, [pageNumber - 1]))[0] ?? null;
    }
    page = out.addPage(page ?? A4_LANDSCAPE);
    for (const item of kept.items) drawItem(page, item, fonts);
  }
  return out.save();
}

/** Embeds the CJK font (only the glyphs used) when some text needs it; without the file, such text is framed. */
async function exportFonts(out: PDFDocument, pages: KeptBoardPage[], cjkFontFile: string): Promise<ExportFonts> {
  const latin = await out.embedFont(StandardFonts.Helvetica);
  const needsCjk = pages.some((page) => page.items.some((item) => item.kind === 'text' && !encodable(latin, item.text)));
  if (!needsCjk) return { latin, cjk: null };
  const bytes = await readFile(cjkFontFile).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (!bytes) return { latin, cjk: null };
  out.registerFontkit(fontkit);
  return { latin, cjk: await out.embedFont(bytes, { subset: true }) };
}

function drawItem(page: PDFPage, item: BoardItem, fonts: ExportFonts): void {
  const { width: W, height: H } = page.getSize();
  // Page space is 0..PAGE_SPACE on both axes, y downwards; drawSvgPath takes y downwards from (x, y) = top left.
  const px = (x: number) => (x * W) / PAGE_SPACE;
  const py = (y: number) => (y * H) / PAGE_SPACE;
  const at = { x: 0, y: H };
  if (item.kind === 'stroke') {
    const [first, ...rest] = item.points;
    if (!first) return;
    // A dot (one point) still shows: a zero-length segment with round caps.
    const path = `M ${px(first[0])} ${py(first[1])} ` + (rest.length ? rest : [first]).map(([x, y]) => `L ${px(x)} ${py(y)}`).join(' ');
    page.drawSvgPath(path, {
      ...at,
      borderColor: COLOURS[item.colour],
      borderWidth: px(item.width),
      borderOpacity: item.tool === 'highlighter' ? 0.35 : 1,
      borderLineCap: LineCapStyle.Round,
    });
    return;
  }
  if (item.kind === 'shape') {
    const [x1, y1, x2, y2] = [px(item.from[0]), py(item.from[1]), px(item.to[0]), py(item.to[1])];
    const look = { ...at, borderColor: COLOURS[item.colour], borderWidth: px(item.width), borderLineCap: LineCapStyle.Round };
    if (item.shape === 'rect') page.drawSvgPath(`M ${x1} ${y1} L ${x2} ${y1} L ${x2} ${y2} L ${x1} ${y2} Z`, look);
    else if (item.shape === 'ellipse') {
      const [cx, cy, rx, ry] = [(x1 + x2) / 2, (y1 + y2) / 2, Math.abs(x2 - x1) / 2, Math.abs(y2 - y1) / 2];
      page.drawSvgPath(`M ${cx - rx} ${cy} A ${rx} ${ry} 0 1 0 ${cx + rx} ${cy} A ${rx} ${ry} 0 1 0 ${cx - rx} ${cy} Z`, look);
    } else {
      let path = `M ${x1} ${y1} L ${x2} ${y2}`;
      if (item.shape === 'arrow') {
        const angle = Math.atan2(y2 - y1, x2 - x1);
        const head = Math.max(8, px(item.width) * 4);
        for (const side of [-1, 1]) path += ` M ${x2} ${y2} L ${x2 - head * Math.cos(angle + side * 0.45)} ${y2 - head * Math.sin(angle + side * 0.45)}`;
      }
      page.drawSvgPath(path, look);
    }
    return;
  }
  const size = py(item.size);
  const x = px(item.at[0]);
  const y = H - py(item.at[1]) - size;
  // Chinese needs the CJK font; where it is not installed, a text we cannot set is marked by its frame (the
  // PNG export, drawn by the browser, shows it whole).
  const font = encodable(fonts.latin, item.text) ? fonts.latin : fonts.cjk && encodable(fonts.cjk, item.text) ? fonts.cjk : null;
  if (font) page.drawText(item.text, { x, y, size, font, color: COLOURS[item.colour] });
  else page.drawRectangle({ x, y, width: size * 0.9 * [...item.text].length, height: size, borderColor: COLOURS[item.colour], borderWidth: 1, borderDashArray: [3, 3] });
}

function encodable(font: PDFFont, text: string): boolean {
  try {
    font.encodeText(text);
    return true;
  } catch {
    // pdf-lib refuses a character the font's encoding lacks: that is the answer, not a failure.
    return false;
  }
}

/** The page count of a PDF (for tests and the export's own check). */
export async function pdfPageCount(bytes: Uint8Array): Promise<number> {
  return (await PDFDocument.load(bytes)).getPageCount();
}

