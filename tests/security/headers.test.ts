// Finding 9: no security headers on the page or the API (CSP, nosniff, frame-ancestors,
// Referrer-Policy, Cache-Control: no-store on personal data); the page's script was inline.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startLoa, testConfig, type TestLoa } from '../helpers.ts';
import * as fb from '../fakes/messenger-fixtures.ts';

describe('security headers', () => {
  let loa: TestLoa;
  afterEach(async () => loa.close());

  const csp = (res: request.Response) => Object.fromEntries(String(res.headers['content-security-policy']).split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));

  it('serves the chat page with a strict CSP, no inline script or style, nosniff and a referrer policy', async () => {
    loa = await startLoa();
    const res = await request(loa.app).get('/');
    expect(res.status).toBe(200);
    const policy = csp(res);
    expect(policy['default-src']).toBe("'self'");
    expect(policy['script-src']).toBe("'self'");
    expect(policy['style-src']).toBe("'self'");
    expect(policy['object-src']).toBe("'none'");
    expect(policy['frame-ancestors']).toBe("'none'");
    expect(res.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-powered-by']).toBeUndefined();
    // The page: scripts and styles are files, none inline.
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(res.text).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(res.text).toContain('/widget.js'); // the page is the widget, whose style is a file too
    for (const [file, type] of [['/widget.js', /javascript/], ['/widget.css', /css/]] as const) {
      const asset = await request(loa.app).get(file);
      expect(asset.status).toBe(200);
      expect(asset.headers['content-type']).toMatch(type);
    }
    const html = fs.readFileSync(path.resolve('src/http/public/index.html'), 'utf8');
    expect(html).not.toMatch(/<script>/);
  });

  it('answers every /api request with Cache-Control: no-store, errors included', async () => {
    loa = await startLoa();
    const draft = (await loa.admin().post('/api/admin/broadcasts').send({ title: 't', text: { vi: 'x' }, audience: { groups: ['school'] } })).body.id;
    for (const res of [
      await loa.admin().get(`/api/admin/broadcasts/${draft}/events`), // server-sent events too
      await loa.chat('mẹ Bông', 'học phí bao nhiêu'),
      await loa.admin().get('/api/admin/me'),
      await request(loa.app).get('/api/admin/contacts'), // 401
      await request(loa.app).get('/api/nothing-here'), // 404
      await request(loa.app).post('/api/chat').set('content-type', 'application/json').send('{bad'), // 400
    ]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBeDefined();
    }
  });

  it('takes the allowed framers from FRAME_ANCESTORS', async () => {
    loa = await startLoa({ config: testConfig({ FRAME_ANCESTORS: "self https://truong.example.vn" }) });
    const res = await request(loa.app).get('/');
    expect(csp(res)['frame-ancestors']).toBe("'self' https://truong.example.vn");
    expect(res.headers['x-frame-options']).toBeUndefined(); // it cannot say "these origins": the CSP does
  });

  it('refuses a FRAME_ANCESTORS that is not a list of origins', async () => {
    expect(() => testConfig({ FRAME_ANCESTORS: "* 'unsafe-inline'" })).toThrow(/FRAME_ANCESTORS/);
    expect(() => testConfig({ FRAME_ANCESTORS: "https://a.example; script-src *" })).toThrow(/FRAME_ANCESTORS/);
  });

  it('puts nosniff and no-store on the webhooks answered in front of express', async () => {
    loa = await startLoa({ config: testConfig({ FACEBOOK_VERIFY_TOKEN: fb.VERIFY_TOKEN, FACEBOOK_APP_SECRET: fb.APP_SECRET, FACEBOOK_PAGE_ACCESS_TOKEN: fb.PAGE_TOKEN }) });
    const res = await fb.postWebhook(loa.app, fb.textMessage('7001', 'm1', 'xin chào'), 'sha256=00');
    expect(res.status).toBe(401);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
  });
});
