// /admin serves the built console: index.html for the console's own paths (its router takes over),
// hashed assets as files, a clear 503 when the console was never built; /api stays the API.
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { consoleStatic } from '../../src/http/console-static.ts';
import { tempDir } from '../helpers.ts';

function fakeDist(): string {
  const dir = tempDir('loa-console-');
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html lang="vi"><div id="app"></div></html>');
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  return dir;
}

function app(dist: string) {
  const a = express();
  a.use('/admin', consoleStatic(dist));
  a.get('/api/ping', (_req, res) => { res.json({ ok: true }); });
  return a;
}

describe('console static files', () => {
  it('answers the console paths with index.html, never cached', async () => {
    const a = app(fakeDist());
    const bare = await request(a).get('/admin');
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe('/admin/');
    for (const url of ['/admin/', '/admin/faq/fees', '/admin/setup/abc']) {
      const res = await request(a).get(url);
      expect(res.status, url).toBe(200);
      expect(res.text).toContain('<div id="app">');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
  });

  it('serves hashed assets for a year and a missing asset as 404, not as index.html', async () => {
    const a = app(fakeDist());
    const js = await request(a).get('/admin/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers['cache-control']).toContain('immutable');
    expect((await request(a).get('/admin/assets/gone.js')).status).toBe(404);
  });

  it('says how to build the console when it was never built', async () => {
    const res = await request(app(path.join(tempDir(), 'none'))).get('/admin/faq');
    expect(res.status).toBe(503);
    expect(res.text).toContain('npm run build:console');
  });

  it('leaves the API alone', async () => {
    expect((await request(app(fakeDist())).get('/api/ping')).body).toEqual({ ok: true });
  });
});
