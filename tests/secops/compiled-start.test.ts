// `npm start` runs the JavaScript tsc built (dist/), not TypeScript through the tsx loader, and
// works on a fresh copy of the repository (its prestart builds dist/ first).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.ts';
import { freePort } from './process.ts';

const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));

describe('compiled JavaScript in production', () => {
  it('npm start runs dist/main.js with node, without the tsx loader, after a prestart build', () => {
    expect(pkg.scripts.start).toMatch(/^node .*dist\/main\.js$/);
    expect(pkg.scripts.start).not.toContain('tsx');
    expect(pkg.scripts.prestart).toContain('npm run build');
  });

  it('a fresh copy builds on npm start, serves the chat, and trains the NLU in its worker from dist/', async () => {
    const clone = tempDir('loa-clone-');
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { encoding: 'utf8' }).split('\n').filter((f) => f && fs.existsSync(f));
    for (const f of files) {
      fs.mkdirSync(path.join(clone, path.dirname(f)), { recursive: true });
      fs.copyFileSync(f, path.join(clone, f));
    }
    fs.symlinkSync(path.resolve('node_modules'), path.join(clone, 'node_modules'));
    expect(fs.existsSync(path.join(clone, 'dist'))).toBe(false);

    const port = await freePort();
    const child = spawn('npm', ['start'], { cwd: clone, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: path.join(clone, 'data'), LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    try {
      const until = Date.now() + 60_000;
      for (;;) {
        const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
        if (ok) break;
        if (Date.now() > until || child.exitCode !== null) throw new Error(`not ready:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const res = await fetch(`http://127.0.0.1:${port}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'fresh', text: 'xin chào' }) });
      expect(((await res.json()) as { replies: { text: string }[] }).replies[0].text).toMatch(/^Xin chào/);
      expect(fs.existsSync(path.join(clone, 'dist', 'main.js'))).toBe(true);
      expect(fs.existsSync(path.join(clone, 'dist', 'http', 'public', 'index.html'))).toBe(true);
      // The serving process is node on dist/main.js, with no TypeScript loader.
      const tree = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(path.join('dist', 'main.js')) && l.includes('node '));
      expect(tree.length).toBeGreaterThan(0);
      for (const line of tree) expect(line).not.toContain('tsx');
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }

    // The NLU's training worker loads the compiled service, not the TypeScript one.
    const script = `
      import { Worker } from 'node:worker_threads';
      const w = new Worker(new URL('./dist/nlu/train-worker.mjs', 'file://${clone}/'), { execArgv: [], workerData: { intents: [
        { id: 'a', description: 'a', utterances: { vi: ['học phí bao nhiêu', 'tiền học'], en: ['fees'] }, answer: 'x' },
        { id: 'b', description: 'b', utterances: { vi: ['mấy giờ đón con', 'giờ đón'], en: ['pick up'] }, answer: 'y' } ] } });
      w.once('message', (m) => { console.log(Object.keys(m).length > 0 ? 'trained' : 'empty'); process.exit(0); });
      w.once('error', (e) => { console.log('error ' + e.message); process.exit(1); });`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: clone, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(r.stdout.trim(), r.stderr).toBe('trained');
  }, 90_000);
});
