#!/usr/bin/env node
/**
 * Makes sure the server can record lessons (录播): Debian's FFmpeg (`ffmpeg`, with `ffprobe`), which writes
 * each recorded producer's RTP to a file and then makes the playable renditions (H.264/AAC MP4, libx264).
 * Run by `npm ci` (postinstall). As root it installs the package with apt-get when `ffmpeg` is missing;
 * otherwise it prints the command to run and exits 0 with a warning — Tongke works without FFmpeg, and a
 * recording then cannot start (the teacher is told why). TONGKE_SKIP_FFMPEG=1 skips the step.
 * Node builtins only.
 */
import { spawnSync } from 'node:child_process';
import { aptInstall, installCommand, isRoot } from './debian.mjs';

const PACKAGES = ['ffmpeg'];
const log = (message) => console.log(`ensure-ffmpeg: ${message}`);

/** Whether `ffmpeg` and `ffprobe` run and FFmpeg has the H.264 encoder the renditions need. */
export function hasFfmpeg() {
  const encoders = spawnSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' });
  if (encoders.status !== 0 || !/\blibx264\b/.test(encoders.stdout)) return false;
  return spawnSync('ffprobe', ['-version'], { stdio: 'ignore' }).status === 0;
}


function main() {
  if (process.env.TONGKE_SKIP_FFMPEG === '1') {
    log('skipped (TONGKE_SKIP_FFMPEG=1): lessons cannot be recorded');
    return 0;
  }
  if (hasFfmpeg()) {
    log('FFmpeg (ffmpeg, ffprobe, libx264) is installed');
    return 0;
  }
  if (!isRoot()) {
    console.warn(`ensure-ffmpeg: WARNING — FFmpeg is not installed, so lessons cannot be recorded. As root, run:\n\n  ${installCommand(PACKAGES)}\n`);
    return 0;
  }
  log("installing FFmpeg from Debian's archive (a minute or two)");
  aptInstall(log, PACKAGES);
  if (!hasFfmpeg()) {
    console.error('ensure-ffmpeg: apt-get finished but ffmpeg/ffprobe (with libx264) do not run');
    return 1;
  }
  log('FFmpeg is installed');
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main());
