// Real-browser tests: a real Loa listening on a free port (SQLite in a fresh folder) and Debian's
// chromium driven by playwright-core. In CI (env CI set) a missing browser fails; elsewhere it skips.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoa, type Loa } from '../../src/loa.ts';
import { silentLogger } from '../../src/logger.ts';
import { dayStatus } from '../../src/features/school-info/calendar-service.ts';
import { ADMIN_TOKEN, testConfig } from '../helpers.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const VIEWPORTS = { phone: { width: 390, height: 844 }, desk: { width: 1280, height: 800 } } as const;
export type ViewportName = keyof typeof VIEWPORTS;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DAY = 86_400_000;

/** describe() for browser tests: skipped without a browser, except in CI where that is a failure. */
export function describeBrowser(name: string, fn: () => void): void {
  if (fs.existsSync(CHROMIUM)) { describe(name, fn); return; }
  if (process.env.CI) {
    describe(name, () => it('has a browser to run in', () => {
      throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium (apt-get install -y chromium)`);
    }));
    return;
  }
  describe.skip(name, fn);
}

/** The console must be built (npm test builds it first); build it if a test runs on its own. */
export function ensureConsoleBuilt(): void {
  if (fs.existsSync(path.join(ROOT, 'web', 'dist', 'index.html'))) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}

export function launchBrowser(): Promise<Browser> {
  // playwright-core gives each launch a fresh, temporary profile (user-data-dir).
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Today at the school if it is a school day on the menu rotation, else the next one: "hôm nay"
 *  then has a menu that the grid edits (a special day, like a Christmas lunch, would not follow it). */
function nextSchoolDayOffset(loa: Loa): number {
  const calendar = loa.school.get('calendar');
  const { overrides } = loa.school.get('menus');
  for (let k = 0; k < 30; k++) {
    const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date(Date.now() + k * DAY));
    if (dayStatus(calendar, date).kind === 'school' && !overrides[date]) return k * DAY;
  }
  return 0;
}

export interface Server { loa: Loa; url: string; today: string; /** The server's clock (it runs on the next school day). */ now(): Date; close(): Promise<void> }

export async function startServer(env: Record<string, string> = {}): Promise<Server> {
  ensureConsoleBuilt();
  let offset = 0;
  const loa = await createLoa(testConfig(env), { logger: silentLogger(), clock: () => new Date(Date.now() + offset) });
  offset = nextSchoolDayOffset(loa);
  const http = createServer(loa.app).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => http.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date(Date.now() + offset));
  return {
    loa, url, today,
    now: () => new Date(Date.now() + offset),
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await loa.close();
    },
  };
}

interface Dialogs { messages: string[]; accept: boolean }
const dialogs = new WeakMap<Page, Dialogs>();
/** The confirm() texts a page showed; `accept` is how the next ones are answered. */
export const pageDialogs = (page: Page): Dialogs => dialogs.get(page)!;

/** What the console's Content-Security-Policy refused on each page (it should refuse nothing). */
const cspRefusals = new WeakMap<Page, string[]>();

export async function newPage(browser: Browser, viewport: ViewportName): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: VIEWPORTS[viewport], locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const refused: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) refused.push(m.text()); });
  cspRefusals.set(page, refused);
  // Dialogs (leaving unsaved changes) are answered "yes" unless a test says otherwise.
  const asked: Dialogs = { messages: [], accept: true };
  dialogs.set(page, asked);
  page.on('dialog', (d) => {
    asked.messages.push(d.message());
    void (asked.accept ? d.accept() : d.dismiss());
  });
  return { context, page };
}

/** The admin API with the bootstrap token, as a script would call it. */
export async function adminApi<T = any>(server: Server, method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(server.url + url, {
    method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export async function chat(server: Server, user: string, text: string): Promise<string> {
  const res = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, text }) });
  expect(res.status).toBe(200);
  const body = await res.json() as { replies: { text: string }[] };
  return body.replies.map((r) => r.text).join('\n');
}

let userCount = 0;
/** A new user and their set-up link, made with the bootstrap token (as `npm run users -- add` would). */
export async function newUser(server: Server, role: string, classIds: string[] = []): Promise<{ username: string; setupUrl: string }> {
  const username = `${role}${++userCount}`;
  const res = await adminApi(server, 'POST', '/api/admin/users', { username, name: `Cô ${role} ${userCount}`, role, ...(classIds.length ? { classIds } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { username, setupUrl: res.body.setupUrl };
}

export const PASSWORD = 'hoa-sen-lop-la-2026';

/** Opens a set-up link, chooses the password and lands signed in on the overview. */
export async function setUp(page: Page, server: Server, setupUrl: string): Promise<void> {
  await page.goto(server.url + setupUrl);
  await page.getByLabel('Mật khẩu mới').fill(PASSWORD);
  await page.getByLabel('Nhập lại mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Lưu mật khẩu và đăng nhập' }).click();
  await page.getByRole('heading', { level: 1, name: /Xin chào/ }).waitFor();
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core in the page: no WCAG 2 A/AA violation (2.0 and 2.1 rules). */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // Evaluated rather than added as a <script>: the console's CSP refuses inline scripts.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as any).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')) }));
  });
  expect(violations, `${screen}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
  expect(cspRefusals.get(page) ?? [], `${screen}: refused by the CSP`).toEqual([]);
}

/** A fresh admin, signed in through their set-up link, on a page of the given size. */
export async function signedInAdmin(browser: Browser, server: Server, size: ViewportName): Promise<{ context: BrowserContext; page: Page }> {
  const { setupUrl } = await newUser(server, 'admin');
  const { context, page } = await newPage(browser, size);
  await setUp(page, server, setupUrl);
  return { context, page };
}

/** Waits until the editor says the retrained model answers parents. */
/** Opens a screen from the navigation: on a phone, screens beyond the bar's five are under "Thêm". */
export async function openFromNav(page: Page, name: string): Promise<void> {
  const nav = page.getByRole('navigation');
  const link = nav.getByRole('link', { name, exact: true });
  if (!(await link.isVisible())) {
    await nav.getByRole('link', { name: /^(Thêm|More)$/ }).click();
    await page.getByRole('main').getByRole('link', { name, exact: true }).click();
    return;
  }
  await link.click();
}

export async function waitLive(page: Page): Promise<void> {
  await page.getByTestId('training').filter({ hasText: 'Loa đã dùng bản mới' }).waitFor({ timeout: 30_000 });
}

/** A Loa server and a browser for the tests of one describe block: started before them, closed after.
 *  `env`: extra configuration, read when the server starts (after earlier beforeAll hooks, e.g. a fake platform's). */
export function withServerAndBrowser(ready: (server: Server, browser: Browser) => void, env: () => Record<string, string> = () => ({})): void {
  let server: Server | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startServer(env());
    browser = await launchBrowser();
    ready(server, browser);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
}
