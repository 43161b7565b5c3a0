/*
 * The PostgreSQL run leaves out the files of STORE_FREE_TESTS (test/support/suite-files.ts). That is safe only
 * while none of them reaches the data layer, so this follows each one's imports, file by file: a value import
 * (`import type` and `export type` load nothing), a dynamic `import('…')`, a script started from
 * `new URL('./x', import.meta.url)`. Reaching the store, the drivers, a test app or a server process fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_ALONE_TESTS, STORE_FREE_TESTS } from '../../test/support/suite-files.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Packages that are the database. */
const DATA_PACKAGES = new Set(['drizzle-orm', 'better-sqlite3', 'pg']);
/** Our files that are, or open, the store: the data layer itself, the test app and fixtures, the server and its process. */
const DATA_FILES = [/^server\/db\//, /^test\/support\/(app|store|store-setup|fixtures|server-process)\.ts$/, /^server\/(app|main)\.ts$/];
const DEPENDENCY = /(?:^|[;\s])(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?'([^']+)'|\bimport\(\s*'([^']+)'\s*\)|new URL\(\s*'(\.[^']+)'\s*,\s*import\.meta\.url\s*\)/g;

function sourceFile(from: string, specifier: string): string | null {
  const path = resolve(dirname(from), specifier);
  return [path.replace(/\.js$/, '.ts'), path, `${path}.ts`].find((candidate) => /\.(ts|mjs|js)$/.test(candidate) && existsSync(candidate)) ?? null;
}

/** The import chain from `file` to the first part of the data layer it reaches, or null when it reaches none. */
export function pathToDataLayer(file: string): string[] | null {
  const importedBy = new Map<string, string | null>([[file, null]]);
  const chainTo = (last: string, from: string): string[] => {
    const chain = [last];
    for (let at: string | null = from; at; at = importedBy.get(at) ?? null) chain.unshift(relative(ROOT, at));
    return chain;
  };
  const queue = [file];
  for (let current = queue.shift(); current; current = queue.shift()) {
    for (const match of readFileSync(current, 'utf8').matchAll(DEPENDENCY)) {
      const specifier = (match[1] ?? match[2] ?? match[3])!;
      if (!specifier.startsWith('.')) {
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        if (DATA_PACKAGES.has(name)) return chainTo(specifier, current);
        continue;
      }
      const target = sourceFile(current, specifier);
      if (!target) continue;
      if (DATA_FILES.some((part) => part.test(relative(ROOT, target)))) return chainTo(relative(ROOT, target), current);
      if (!importedBy.has(target)) {
        importedBy.set(target, current);
        queue.push(target);
      }
    }
  }
  return null;
}

describe('the suite\'s file lists', () => {
  it('exist, and are listed once', () => {
    for (const list of [STORE_FREE_TESTS, RUN_ALONE_TESTS]) {
      expect(list.filter((file) => !existsSync(join(ROOT, file)))).toEqual([]);
      expect(new Set(list).size).toBe(list.length);
    }
  });

  it('finds the data layer behind a file that reaches it only through others', () => {
    // The media benchmark's join burst loads the schema; the crash test starts a server process; a lesson test makes a fixture.
    expect(pathToDataLayer(join(ROOT, 'bench/media.quick.test.ts'))).toEqual(['bench/media.quick.test.ts', 'bench/join-burst.ts', 'server/db/schema/index.ts']);
    expect(pathToDataLayer(join(ROOT, 'test/integration/crash-durability.test.ts'))).not.toBeNull();
    expect(pathToDataLayer(join(ROOT, 'test/integration/lesson-stall-lab.test.ts'))).toEqual(['test/integration/lesson-stall-lab.test.ts', 'test/support/fixtures.ts']);
  });

  it('never reach the store, a test app or a server process', () => {
    const reaching = STORE_FREE_TESTS.map((file) => pathToDataLayer(join(ROOT, file))).filter((chain) => chain !== null);
    expect(reaching.map((chain) => chain.join(' → '))).toEqual([]);
  });
});
