import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MINIMAL_PDF, PNG_BYTES, zipWithParts } from '../evaluation/attachments/sample-files.js';
import { sniffCoursewareKind, zipPartNames } from './kind.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'courseware', name));
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
/** An OLE2 compound file header, optionally with a directory entry naming a stream. */
const compound = (stream?: string) => Buffer.concat([Buffer.from(OLE2), Buffer.alloc(504), stream ? Buffer.from(stream, 'utf16le') : Buffer.alloc(0), Buffer.alloc(64)]);

describe('sniffCoursewareKind', () => {
  it('tells a PDF by its bytes whatever it is called', () => {
    expect(sniffCoursewareKind('课件.pdf', MINIMAL_PDF)).toBe('pdf');
    expect(sniffCoursewareKind('课件.pptx', MINIMAL_PDF)).toBe('pdf');
  });

  it('tells PPTX and DOCX by the parts of the archive, even when LibreOffice wrote [Content_Types].xml last', () => {
    expect(sniffCoursewareKind('slides.pdf', fixture('slides.pptx'))).toBe('pptx');
    expect(sniffCoursewareKind('a', zipWithParts(['[Content_Types].xml', 'word/document.xml']))).toBe('docx');
    expect(zipPartNames(fixture('slides.pptx')).at(-1)).toBe('[Content_Types].xml');
  });

  it('still tells a PPTX cut short (no central directory) from its local headers, so its conversion can fail with a reason', () => {
    expect(sniffCoursewareKind('broken.pptx', fixture('broken.pptx'))).toBe('pptx');
  });

  it('tells PPT from DOC by their stream names, and by the extension when the names are not found', () => {
    expect(sniffCoursewareKind('x.bin', compound('PowerPoint Document'))).toBe('ppt');
    expect(sniffCoursewareKind('x.bin', compound('WordDocument'))).toBe('doc');
    expect(sniffCoursewareKind('旧课件.PPT', compound())).toBe('ppt');
    expect(sniffCoursewareKind('教案.doc', compound())).toBe('doc');
    // An Excel workbook or anything else in a compound file is not courseware.
    expect(sniffCoursewareKind('成绩.xls', compound('Workbook'))).toBeNull();
  });

  it('refuses pictures, spreadsheets, programs, plain archives, text and nothing', () => {
    expect(sniffCoursewareKind('课件.pdf', PNG_BYTES)).toBeNull();
    expect(sniffCoursewareKind('表.pptx', zipWithParts(['[Content_Types].xml', 'xl/workbook.xml']))).toBeNull();
    expect(sniffCoursewareKind('setup.pdf', Buffer.from('MZ\x90\x00\x03\x00', 'latin1'))).toBeNull();
    expect(sniffCoursewareKind('a.docx', zipWithParts(['readme.txt']))).toBeNull();
    expect(sniffCoursewareKind('a.pdf', Buffer.from('just text'))).toBeNull();
    expect(sniffCoursewareKind('a.pdf', new Uint8Array())).toBeNull();
  });
});
