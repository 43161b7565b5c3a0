/** What every part of the worker install step shares: the binary's name, the error type, small file helpers. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const BIN_NAME = 'mediasoup-worker';

export class InstallError extends Error {
  /** @param {string} message @param {string} [hint] what the user should do about it */
  constructor(message, hint) {
    super(message);
    this.hint = hint;
  }
}

export const log = (message) => console.log(`mediasoup-worker: ${message}`);

export function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

export function writeFileAtomic(file, contents) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
}

export function sha256(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export function relative(file) {
  return path.relative(process.cwd(), file) || file;
}

export function formatDuration(ms) {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
