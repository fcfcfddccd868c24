// The staff console: the JavaScript the first screen loads (gzip; target ≤ 150 KB) and the time to
// first render in the test browser (Debian's chromium), median of several cold loads.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, ensureConsoleBuilt, launchBrowser, newPage, startServer } from '../tests/browser/harness.ts';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'web', 'dist');
const TARGET_KB = 150;
const RUNS = 7;

/** The files index.html loads at once: its module script, module preloads and stylesheets. */
function firstScreenFiles(): { js: string[]; css: string[] } {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/admin\/([^"]+)"/g)].map((m) => m[1]);
  return { js: refs.filter((r) => r.endsWith('.js')), css: refs.filter((r) => r.endsWith('.css')) };
}

const gzipKb = (files: string[]) => files.reduce((sum, f) => sum + gzipSync(fs.readFileSync(path.join(DIST, f)), { level: 9 }).length, 0) / 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function consoleBench(): Promise<void> {
  ensureConsoleBuilt();
  const { js, css } = firstScreenFiles();
  const jsKb = gzipKb(js);
  console.log(`first screen JavaScript: ${jsKb.toFixed(1)} KB gzip in ${js.length} file(s) (target ≤ ${TARGET_KB} KB) ${jsKb <= TARGET_KB ? 'OK' : 'OVER'}`);
  console.log(`first screen CSS: ${gzipKb(css).toFixed(1)} KB gzip`);
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`time to first render: skipped, no browser at ${CHROMIUM}`);
    return;
  }
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const fcp: number[] = [];
    const ready: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const { context, page } = await newPage(browser, i % 2 ? 'desk' : 'phone');
      await page.goto(`${server.url}/admin/`);
      // The sign-in form is the first screen of someone not signed in.
      await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
      const t = await page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        ready: performance.now(),
      }));
      if (i > 0) { fcp.push(t.fcp); ready.push(t.ready); } // the first load warms the server's file cache
      await context.close();
    }
    console.log(`time to first render (first contentful paint): median ${median(fcp).toFixed(0)} ms over ${fcp.length} cold loads`);
    console.log(`time to the sign-in form: median ${median(ready).toFixed(0)} ms`);
  } finally {
    await browser.close();
    await server.close();
  }
}
