// The widget's edge: its script and style load from any page, its API answers only the sites in
// WEBCHAT_ALLOWED_ORIGINS (CORS for those only), it shows the school's name, colours and links,
// and a visitor or an address that writes too fast is slowed down.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startLoa, testConfig, type TestLoa } from '../helpers.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';

const SCHOOL_SITE = 'https://mnhoasen.example.edu.vn';

describe('web chat widget', () => {
  let loa: TestLoa;
  beforeEach(async () => { loa = await startLoa({ config: testConfig({ WEBCHAT_ALLOWED_ORIGINS: `${SCHOOL_SITE}, https://other.example` }) }); });
  afterEach(async () => { await loa.close(); });

  it('serves widget.js and widget.css to other sites\' pages, with no inline script or style', async () => {
    const js = await request(loa.app).get('/widget.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(js.text).toContain('attachShadow');
    expect(js.text).toContain("'x-loa-visitor'");
    expect(js.text).not.toMatch(/innerHTML|setAttribute\('style'|<style|eval\(/);
    const css = await request(loa.app).get('/widget.css');
    expect(css.headers['content-type']).toMatch(/text\/css/);
    expect(css.text).toContain('--loa-primary');
    expect(css.text).toMatch(/@media \(max-width: 480px\)/); // a phone gets the whole screen
  });

  it('answers the allowed site with CORS (preflight included), and refuses any other', async () => {
    const preflight = await request(loa.app).options('/api/chat').set('origin', SCHOOL_SITE).set('access-control-request-method', 'POST').set('access-control-request-headers', 'content-type, x-loa-visitor');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(SCHOOL_SITE);
    expect(preflight.headers['access-control-allow-headers']).toContain('x-loa-visitor');
    const chat = await request(loa.app).post('/api/chat').set('origin', SCHOOL_SITE).send({ text: 'xin chào' });
    expect(chat.status).toBe(200);
    expect(chat.headers['access-control-allow-origin']).toBe(SCHOOL_SITE);
    expect(chat.headers['access-control-expose-headers']).toBe('x-loa-visitor');
    expect(chat.headers.vary).toMatch(/Origin/);
    for (const origin of ['https://evil.example', 'https://mnhoasen.example.edu.vn.evil.example', 'null']) {
      const other = await request(loa.app).post('/api/chat').set('origin', origin).send({ text: 'xin chào' });
      expect(other.status).toBe(403);
      expect(other.body.error.code).toBe('origin_not_allowed');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    }
    // Loa's own page (same host) needs no CORS.
    const own = await request(loa.app).post('/api/chat').set('origin', 'http://localhost').set('host', 'localhost').send({ text: 'xin chào' });
    expect(own.status).toBe(200);
    expect(await loa.store.transcript.list()).toHaveLength(2);
  });

  it('gives the widget the school\'s name, colours and Zalo / Facebook links', async () => {
    const res = await request(loa.app).get('/api/chat/widget').set('origin', SCHOOL_SITE);
    expect(res.body).toMatchObject({
      name: 'Trường Mầm non Hoa Sen (trường mẫu)', colors: { primary: '#0b6bcb', onPrimary: '#ffffff' },
      links: { zalo: 'https://zalo.me/mnhoasen.demo.example', facebook: 'https://facebook.com/mnhoasen.demo' },
    });
  });

  it('refuses at start an allowed origin that no browser would send', () => {
    for (const bad of ['https://school.example/', 'school.example', 'https://school.example/chat', '*']) {
      expect(() => loadConfig({ WEBCHAT_ALLOWED_ORIGINS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ WEBCHAT_ALLOWED_ORIGINS: bad })).toThrow(/WEBCHAT_ALLOWED_ORIGINS: comma-separated origins/);
    }
    expect(loadConfig({ WEBCHAT_ALLOWED_ORIGINS: 'https://school.example, http://localhost:8080' }).WEBCHAT_ALLOWED_ORIGINS).toContain('localhost:8080');
  });

  it('keeps the full-page chat at /', async () => {
    const page = await request(loa.app).get('/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Loa');
    // The same widget, as the whole page: no inline script or style, nothing of its own to keep in step.
    expect(page.text).toContain('<script src="/widget.js" data-mode="page"');
    expect(page.text).not.toMatch(/<script>|<style|style=/);
  });
});

describe('web chat rate limits', () => {
  let loa: TestLoa;
  afterEach(async () => { await loa.close(); });

  it('slows down one visitor, and one address however many identities it takes, with a 429 in their language', async () => {
    // The web chat's one set of limits (tests/security/rate-limits.test.ts has the rest): 3 at once per visitor, 6 per address.
    loa = await startLoa({ config: testConfig({ CHAT_RATE_PER_CONVERSATION: '6', CHAT_RATE_PER_IP: '12' }) });
    const browser = request.agent(loa.app);
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await browser.post('/api/chat').send({ text: `câu hỏi ${i}` })).status);
    expect(codes).toEqual([200, 200, 200, 429]);
    const slow = await browser.post('/api/chat').send({ text: 'nữa' });
    expect(slow.body.error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/nhanh quá/) });
    expect(slow.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(Number(slow.headers['retry-after'])).toBeGreaterThan(0);
    // New identities from the same address: the address's own bucket stops them.
    const fresh: number[] = [];
    for (let i = 0; i < 3; i++) fresh.push((await request(loa.app).post('/api/chat').send({ text: 'xin chào' })).status);
    expect(fresh).toEqual([200, 429, 429]);
    // A trusted caller's address speaks for many parents: only its conversations are limited.
    expect((await loa.chat('server-user', 'xin chào')).status).toBe(200);
    expect(await loa.store.transcript.list({ limit: 100 })).toHaveLength(5);
  });
});
