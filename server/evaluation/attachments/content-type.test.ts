import { describe, expect, it } from 'vitest';
import { checkAttachment, sniffAttachment } from './content-type.js';
import { MINIMAL_PDF, PNG_BYTES, zipWithParts } from './sample-files.js';

describe('sniffAttachment', () => {
  it('tells the accepted kinds by their bytes, not their names', () => {
    expect(sniffAttachment(MINIMAL_PDF)).toBe('pdf');
    expect(sniffAttachment(PNG_BYTES)).toBe('png');
    expect(sniffAttachment(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('jpeg');
    expect(sniffAttachment(zipWithParts(['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml']))).toBe('xlsx');
    expect(sniffAttachment(zipWithParts(['[Content_Types].xml', 'word/document.xml']))).toBe('docx');
  });

  it('refuses anything else: a program, a plain ZIP, text', () => {
    expect(sniffAttachment(Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'))).toBeNull();
    expect(sniffAttachment(zipWithParts(['setup.exe']))).toBeNull();
    expect(sniffAttachment(Buffer.from('just some text'))).toBeNull();
    expect(sniffAttachment(new Uint8Array())).toBeNull();
  });
});

describe('checkAttachment', () => {
  it('accepts a file whose name claims what its bytes are, and refuses a disguised one', () => {
    expect(checkAttachment('交流轮岗方案.PDF', MINIMAL_PDF)).toBe('pdf');
    expect(checkAttachment('照片.jpeg', Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(checkAttachment('报告.pdf', PNG_BYTES)).toBeNull();
    expect(checkAttachment('报告', MINIMAL_PDF)).toBeNull();
    expect(checkAttachment('setup.pdf', Buffer.from('MZ\x90\x00', 'latin1'))).toBeNull();
  });
});
