// The widget in a real browser (Debian's chromium driven by playwright-core): a page served from a
// second origin embeds it with one tag; a parent subscribes; an approved announcement and a staff
// message appear live; the history is there after a reload; a second browser sees nothing of the
// first; what was sent while the page was closed arrives on the next visit, once; axe-core finds
// no WCAG 2 A/AA violation. Skipped where /usr/bin/chromium is missing, a failure in CI.
import { userWithToken } from '../api/console-helpers.ts';
import type { Role } from '../../src/store/types.ts';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect, it } from 'vitest';
import request from 'supertest';
import { startLoa, testConfig, type TestLoa } from '../helpers.ts';
import { CHROMIUM, describeBrowser } from './harness.ts';

const require = createRequire(import.meta.url);

// playwright-core is a devDependency of the browser tests; typed loosely so the type check passes without it.
type Browser = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Page = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const PLAYWRIGHT = 'playwright-core';

const listen = async (handler: http.RequestListener) => {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

// Skipped without a browser, except in CI, where that fails (as every browser test here).
describeBrowser('web chat widget in a browser', () => {
  let loa: TestLoa;
  let loaServer: http.Server;
  let site: http.Server;
  let siteUrl: string;
  let browser: Browser;
  let tokens: { staff: string; principal: string };
  let loaUrl = '';

  beforeAll(async () => {
    // The school's own website: another origin, one tag.
    const school = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Trường Mầm non Hoa Sen</title></head>
<body><main><h1>Trường Mầm non Hoa Sen</h1><p>Trang web của trường.</p></main><script src="${loaUrl}/widget.js" data-lang="vi" async></script></body></html>`);
    });
    site = school.server;
    siteUrl = school.url;
    loa = await startLoa({ config: testConfig({ WEBCHAT_ALLOWED_ORIGINS: siteUrl }), now: new Date() });
    const served = await listen(loa.app);
    loaServer = served.server;
    loaUrl = served.url;
    const mk = async (name: string, role: Role) => (await userWithToken(loa, { name, role })).token;
    tokens = { staff: await mk('Cô Thu', 'staff'), principal: await mk('Cô Hòa', 'principal') };
    await loa.features.dispatcher.start();
    const { chromium } = await import(PLAYWRIGHT);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await loa?.features.dispatcher.stop();
    loaServer?.closeAllConnections();
    site?.closeAllConnections();
    await Promise.all([loaServer, site].map((s) => s && new Promise((r) => s.close(r))));
    await loa?.close();
  });

  const as = (token: string) => (url: string) => request(loa.app).post(url).set('authorization', `Bearer ${token}`);
  const announce = async (text: string) => {
    const id = (await as(tokens.staff)('/api/admin/broadcasts').send({ title: 'Thông báo', text: { vi: text }, audience: { groups: ['school'] } })).body.id;
    await as(tokens.staff)(`/api/admin/broadcasts/${id}/submit`);
    expect((await as(tokens.principal)(`/api/admin/broadcasts/${id}/approve`)).status).toBe(200);
    return id as number;
  };
  const openWidget = async (page: Page) => {
    await page.goto(siteUrl);
    await page.getByRole('button', { name: /Mở khung chat/ }).click();
    await page.getByRole('dialog').waitFor();
  };
  const bubbles = (page: Page) => page.locator('#loa-chat-widget .msg');
  const say = async (page: Page, text: string) => {
    await page.getByLabel('Nhập tin nhắn').fill(text);
    await page.keyboard.press('Enter');
  };
  const accessible = async (page: Page) => {
    // Evaluated through the browser's debugging protocol: Loa's own strict CSP forbids an inline script tag.
    await page.evaluate(fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(d: Document, o: unknown): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe;
      const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return result.violations.map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    });
    expect(violations).toEqual([]);
  };

  it('embeds, subscribes, shows announcements and staff messages live, keeps history, and keeps browsers apart', async () => {
    const parent = await browser.newContext({ viewport: { width: 390, height: 800 }, locale: 'vi-VN' });
    const page = await parent.newPage();
    await openWidget(page);
    await expect.poll(() => bubbles(page).count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2); // "xin chào" and the greeting
    await expect.poll(() => page.getByRole('dialog').getByRole('heading').textContent()).toBe('Trường Mầm non Hoa Sen (trường mẫu)');
    expect(await page.getByRole('link', { name: 'Tiếp tục trên Zalo' }).getAttribute('href')).toBe('https://zalo.me/mnhoasen.demo.example');
    expect(await page.getByRole('link', { name: 'Trang Facebook' }).getAttribute('href')).toBe('https://facebook.com/mnhoasen.demo');
    // Opening the panel puts the keyboard in the message field.
    expect(await page.evaluate(() => (document.querySelector('#loa-chat-widget')!.shadowRoot!.activeElement as HTMLElement | null)?.id)).toBe('loa-input');
    await accessible(page);

    // Buttons of an older message are disabled once something else is sent.
    const feesButton = page.getByRole('button', { name: 'Học phí, tiền ăn' });
    expect(await feesButton.isEnabled()).toBe(true);
    await say(page, 'nhận thông báo toàn trường');
    await page.getByText(/đã đăng ký nhận thông báo: Toàn trường/).waitFor();
    expect(await feesButton.isDisabled()).toBe(true);

    // An announcement approved through the API appears within a second.
    const started = Date.now();
    const id = await announce('Thứ Sáu trường nghỉ tổng vệ sinh.');
    await page.getByText(/Thứ Sáu trường nghỉ tổng vệ sinh/).waitFor({ timeout: 1000 });
    expect(Date.now() - started).toBeLessThan(1000);
    // The page acknowledged it: the announcement counts it delivered.
    await expect.poll(async () => (await request(loa.app).get(`/api/admin/broadcasts/${id}`).set('authorization', `Bearer ${tokens.principal}`)).body.deliveries.byStatus.delivered).toBe(1);

    // A staff message to this parent appears live.
    const contact = (await loa.store.contacts.list({ channel: 'webchat' }))[0];
    await loa.admin().post(`/api/admin/contacts/${contact.id}/messages`).send({ text: 'Cô Thu nhắn: mai bé mang áo mưa nhé.' });
    await page.getByText(/mai bé mang áo mưa/).waitFor({ timeout: 2000 });

    // After a reload the history is there.
    await page.reload();
    await page.getByRole('button', { name: /Mở khung chat/ }).click();
    await page.getByText(/Thứ Sáu trường nghỉ tổng vệ sinh/).waitFor();
    await page.getByText(/mai bé mang áo mưa/).waitFor();

    // A second browser sees nothing of the first, and cannot act as it by naming it.
    const stranger = await browser.newContext();
    const other = await stranger.newPage();
    await openWidget(other);
    await expect.poll(() => bubbles(other).count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    const sneaky = await other.evaluate(async ([url, user]: readonly [string, string]) => {
      const res = await fetch(`${url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, text: 'hủy nhận tin' }) });
      return res.status;
    }, [loaUrl, contact.ref.userId] as const);
    expect(sneaky).toBe(200);
    expect(await loa.store.subscriptions.follows(contact.id, ['school'])).toBe(true);
    expect(await other.getByText(/mai bé mang áo mưa|Thứ Sáu trường nghỉ/).count()).toBe(0);
    await stranger.close();

    // Sent while the page was closed: arrives on the next visit, once.
    await page.close();
    await expect.poll(() => loa.webchat.openPages).toBe(0);
    await loa.admin().post(`/api/admin/contacts/${contact.id}/messages`).send({ text: 'Tin nhắn lúc trang đóng.' });
    const again = await parent.newPage();
    await openWidget(again);
    await again.getByText('Tin nhắn lúc trang đóng.').waitFor();
    await new Promise((r) => setTimeout(r, 500));
    expect(await again.getByText('Tin nhắn lúc trang đóng.').count()).toBe(1);
    await accessible(again);

    // Keyboard: Escape closes the panel and gives focus back to the chat button.
    await again.getByLabel('Nhập tin nhắn').focus();
    await again.keyboard.press('Escape');
    expect(await again.getByRole('dialog').isHidden()).toBe(true);
    expect(await again.evaluate(() => (document.querySelector('#loa-chat-widget')!.shadowRoot!.activeElement as HTMLElement | null)?.className)).toBe('launcher');
    await parent.close();
  }, 60_000);

  it('serves the full-page chat at / as the same widget, the whole page, accessible', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    await page.goto(`${loaUrl}/`);
    await expect.poll(() => bubbles(page).count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(await page.getByRole('button', { name: /Mở khung chat/ }).count()).toBe(0); // no chat button: the page is the chat
    await say(page, 'học phí bao nhiêu');
    await expect.poll(() => bubbles(page).count()).toBeGreaterThanOrEqual(4);
    expect((await context.cookies()).find((c: { name: string }) => c.name === 'loa_visitor')?.httpOnly).toBe(true);
    await accessible(page);
    await context.close();
  }, 30_000);
});
