#!/usr/bin/env node
/**
 * Makes sure the server can convert courseware (PPT/PPTX/DOC/DOCX → PDF): Debian's headless LibreOffice
 * (`libreoffice-impress-nogui`, `libreoffice-writer-nogui`) and CJK fonts (`fonts-noto-cjk`, without which
 * Chinese slides come out as boxes; `fonts-droid-fallback`, a TrueType CJK font the board's PDF export embeds
 * for text written on the board — pdf-lib cannot embed the Noto collections). Run by `npm ci` (postinstall). As root it installs them with apt-get when
 * `soffice` is missing; otherwise it prints the command to run and exits 0 with a warning — Tongke works
 * without LibreOffice, and an uploaded office document then fails with `converter_missing` (PDFs still work).
 * TONGKE_SKIP_LIBREOFFICE=1 skips the step (a machine that never converts, e.g. a CI job for the client only).
 * Node builtins only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { aptInstall, installCommand, isRoot } from './debian.mjs';

const PACKAGES = ['libreoffice-impress-nogui', 'libreoffice-writer-nogui', 'fonts-noto-cjk', 'fonts-droid-fallback'];
/** The board's PDF export looks for this file (server/lessons/features/board/export-pdf.ts). */
const BOARD_FONT = '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf';
const log = (message) => console.log(`ensure-libreoffice: ${message}`);

/** Whether `soffice` runs (on the PATH, as the server starts it). */
export function hasSoffice() {
  return spawnSync('soffice', ['--version'], { stdio: 'ignore' }).status === 0;
}


function main() {
  if (process.env.TONGKE_SKIP_LIBREOFFICE === '1') {
    log('skipped (TONGKE_SKIP_LIBREOFFICE=1): office documents will fail to convert with converter_missing');
    return 0;
  }
  if (hasSoffice() && existsSync(BOARD_FONT)) {
    log('LibreOffice (soffice) and the CJK fonts are installed');
    return 0;
  }
  if (!isRoot()) {
    const install = installCommand(PACKAGES);
    console.warn(`ensure-libreoffice: WARNING — LibreOffice or its CJK fonts are not installed, so uploaded PPT/PPTX/DOC/DOCX courseware cannot be converted (PDF uploads work) and Chinese text on the board is only framed in its PDF export. As root, run:\n\n  ${install}\n`);
    return 0;
  }
  log("installing headless LibreOffice and CJK fonts from Debian's archive (a few minutes, about 400 MB)");
  aptInstall(log, PACKAGES);
  if (!hasSoffice()) {
    console.error('ensure-libreoffice: apt-get finished but soffice does not run');
    return 1;
  }
  log('LibreOffice (soffice) is installed');
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main());
