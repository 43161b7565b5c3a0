import { readFileSync } from 'node:fs';
import { verifySnapshot } from './verify.js';

/*
 * npm run evaluation:verify -- <snapshot.json> [<expected sha256>]
 * Recomputes a downloaded snapshot's hash offline; exit code 0 when it matches, 1 when it does not, 2 on bad input.
 */
const [path, expected] = process.argv.slice(2);
if (!path) {
  console.error('usage: npm run evaluation:verify -- <snapshot.json> [<expected sha256>]');
  process.exit(2);
}
try {
  const result = verifySnapshot(JSON.parse(readFileSync(path, 'utf8')), expected);
  console.log(`computed SHA-256: ${result.computed}`);
  console.log(`claimed  SHA-256: ${result.claimed ?? '(none)'}`);
  console.log(result.ok ? 'OK: the snapshot is unchanged (校验通过)' : 'MISMATCH: the snapshot is not the one the hash was made for (校验不通过)');
  process.exit(result.ok ? 0 : 1);
} catch (error) {
  console.error(`cannot verify ${path}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
