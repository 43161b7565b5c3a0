import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { round, type Benchmark, type BenchResult } from './result.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist', 'client');
const MANIFEST = join(DIST, '.vite', 'manifest.json');

/** One chunk of Vite's build manifest (build.manifest in vite.config.ts). */
interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
type Manifest = Record<string, ManifestChunk>;

/** What a route downloads: the entry, the lazy pages it opens, and everything those import statically. */
const ROUTES: Record<string, readonly string[]> = {
  // A receiving classroom joining a lesson: the app shell and the live lesson page.
  join: ['index.html', 'pages/lesson/LessonPage.svelte'],
  // An administrator: the shell, the admin pages, the usage dashboard and its ECharts chunk.
  admin: [
    'index.html',
    'pages/admin/OrganisationPage.svelte',
    'pages/admin/UsersPage.svelte',
    'pages/admin/CoursesPage.svelte',
    'pages/admin/CourseEditorPage.svelte',
    'pages/reports/usage/UsageDashboardPage.svelte',
    'pages/reports/usage/echarts-setup.ts',
  ],
};

/**
 * Client weight: gzip bytes of the JS and CSS each route loads, from the production build's manifest. The
 * baseline is the whole build (every chunk), so the ratio is the share of the app a route downloads.
 */
export const clientWeightBenchmark: Benchmark = {
  name: 'client-weight',
  description: 'gzip KB of JS/CSS the classroom join route and the admin route load (production build)',
  async run({ quick }): Promise<BenchResult> {
    const built = ensureBuild(quick);
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
    const gzipKb = (file: string) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length / 1024;
    const figures: Record<string, number> = {};
    const steps: Array<Record<string, number | string>> = [];
    for (const [route, keys] of Object.entries(ROUTES)) {
      const files = routeFiles(manifest, keys);
      const js = files.filter((f) => f.endsWith('.js')).reduce((sum, f) => sum + gzipKb(f), 0);
      const css = files.filter((f) => f.endsWith('.css')).reduce((sum, f) => sum + gzipKb(f), 0);
      figures[`${route}JsGzipKb`] = round(js, 1);
      figures[`${route}CssGzipKb`] = round(css, 1);
      figures[`${route}TotalGzipKb`] = round(js + css, 1);
      steps.push({ route, files: files.length, jsGzipKb: round(js, 1), cssGzipKb: round(css, 1), list: files.map((f) => f.replace('assets/', '')).join(' ') });
    }
    const all = [...new Set(Object.values(manifest).flatMap((c) => [c.file, ...(c.css ?? [])]))];
    const allKb = all.reduce((sum, f) => sum + gzipKb(f), 0);
    const baseline = { joinTotalGzipKb: round(allKb, 1), adminTotalGzipKb: round(allKb, 1) };
    return {
      name: 'client-weight',
      parameters: { build: built ? 'built now' : 'existing dist/client', gzipLevel: 9 },
      figures,
      baseline,
      ratio: { joinTotalGzipKb: round(figures.joinTotalGzipKb! / allKb, 3), adminTotalGzipKb: round(figures.adminTotalGzipKb! / allKb, 3) },
      steps,
      notes: ['baseline = the whole build (every JS and CSS chunk), so the ratio is the share of the app the route downloads', 'index.html, fonts and source maps are not counted'],
    };
  },
};

/** The static-import closure of the given manifest keys, with their CSS. */
export function routeFiles(manifest: Manifest, keys: readonly string[]): string[] {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`${key} is not in the build manifest`);
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const key of keys) visit(key);
  return [...files];
}

/** A full run always builds; a quick run reuses a build that has a manifest. Returns whether it built. */
function ensureBuild(quick: boolean): boolean {
  if (quick && existsSync(MANIFEST)) return false;
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(MANIFEST)) throw new Error('vite build wrote no manifest: is build.manifest set in vite.config.ts?');
  return true;
}
