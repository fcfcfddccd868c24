// Signing in, at a phone's size and a desk's: set-up link → password → signed in; a viewer cannot
// reach the editing screens; signing out ends the session (the old cookie no longer works).
import { expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { adminApi, describeBrowser, expectAccessible, launchBrowser, newPage, newUser, openFromNav, PASSWORD, setUp, signedInAdmin, startServer, withServerAndBrowser, type Server, type ViewportName } from './harness.ts';

describeBrowser('console: signing in', () => {
  let server: Server;
  let browser: Browser;
  withServerAndBrowser((s, b) => { server = s; browser = b; });

  for (const size of ['phone', 'desk'] as ViewportName[]) {
    it(`set-up link → password → signed in, then signed out (${size})`, async () => {
      const { username, setupUrl } = await newUser(server, 'admin');
      const { context, page } = await newPage(browser, size);
      await page.goto(server.url + setupUrl);
      await page.getByText(username).first().waitFor();
      await expectAccessible(page, 'set-up');
      // A weak password is refused next to the field, in Vietnamese.
      await page.getByLabel('Mật khẩu mới').fill('12345678');
      await page.getByLabel('Nhập lại mật khẩu').fill('12345678');
      await page.getByRole('button', { name: 'Lưu mật khẩu và đăng nhập' }).click();
      await expect.poll(() => page.locator('.field-error').count()).toBeGreaterThan(0);
      await page.getByLabel('Mật khẩu mới').fill(PASSWORD);
      await page.getByLabel('Nhập lại mật khẩu').fill(PASSWORD);
      await page.getByRole('button', { name: 'Lưu mật khẩu và đăng nhập' }).click();
      await page.getByRole('heading', { level: 1, name: /Xin chào/ }).waitFor();
      await expectAccessible(page, 'overview');
      const cookies = await context.cookies();
      const session = cookies.find((c) => c.name === 'loa_session');
      expect(session?.httpOnly).toBe(true);

      // The link was for one use only.
      const again = await context.newPage();
      await again.goto(server.url + setupUrl);
      await again.getByText('Đường dẫn không còn dùng được').waitFor();
      await again.close();

      // Sign out: back to the sign-in form, and the old cookie opens nothing any more.
      await openFromNav(page, 'Tài khoản');
      await page.getByRole('heading', { level: 1, name: 'Tài khoản' }).waitFor();
      await expectAccessible(page, 'account');
      await page.getByRole('button', { name: 'Đăng xuất', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
      await expectAccessible(page, 'sign-in');
      const stale = await fetch(`${server.url}/api/admin/me`, { headers: { cookie: `loa_session=${session!.value}` } });
      expect(stale.status).toBe(401);

      // Signing in again with the password chosen.
      await page.getByLabel('Tên đăng nhập').fill(username);
      await page.getByLabel('Mật khẩu', { exact: true }).fill('wrong-password-1');
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await page.getByText('Tên đăng nhập hoặc mật khẩu không đúng.').waitFor();
      await page.getByLabel('Mật khẩu', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await page.getByRole('heading', { level: 1, name: /Xin chào/ }).waitFor();
      await context.close();
    }, 60_000);

    it(`a viewer cannot reach the editing screens (${size})`, async () => {
      const { setupUrl } = await newUser(server, 'viewer');
      const { context, page } = await newPage(browser, size);
      await setUp(page, server, setupUrl);
      const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
      await expect.poll(() => nav.getByRole('link', { name: 'Dữ liệu trường' }).count()).toBe(0);
      expect(await nav.getByRole('link', { name: /Chưa trả lời/ }).count()).toBe(0);
      for (const screen of ['/admin/faq/new', '/admin/faq/fees', '/admin/faq/import', '/admin/school/menus', '/admin/unanswered', '/admin/users']) {
        await page.goto(server.url + screen);
        await page.getByRole('heading', { level: 1, name: 'Bạn không có quyền vào trang này' }).waitFor();
        expect(await page.getByRole('button', { name: /^Lưu|Tạo/ }).count()).toBe(0);
      }
      await expectAccessible(page, 'forbidden');
      // English is one click away, and stays chosen.
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { level: 1, name: 'You cannot open this page' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'You cannot open this page' }).waitFor();
      await expectAccessible(page, 'forbidden (English)');
      await page.getByRole('button', { name: 'Tiếng Việt' }).click();
      // The FAQ list is readable, without links to the editor.
      await page.goto(`${server.url}/admin/faq`);
      await page.locator('[data-intent="fees"]').waitFor();
      expect(await page.locator('[data-intent="fees"] a').count()).toBe(0);
      await expectAccessible(page, 'faq list (viewer)');
      // And the server refuses the viewer's edits whatever the page shows.
      const res = await page.evaluate(async () => (await fetch('/api/admin/school/menus', {
        method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: {}, version: 1 }),
      })).status);
      expect(res).toBe(403);
      await context.close();
    }, 60_000);
  }

  it('signing out everywhere ends the other sessions; deactivating a user ends theirs', async () => {
    const { username, setupUrl } = await newUser(server, 'staff');
    const first = await newPage(browser, 'phone');
    await setUp(first.page, server, setupUrl);
    const second = await newPage(browser, 'desk');
    await second.page.goto(`${server.url}/admin/`);
    await second.page.getByLabel('Tên đăng nhập').fill(username);
    await second.page.getByLabel('Mật khẩu', { exact: true }).fill(PASSWORD);
    await second.page.getByRole('button', { name: 'Đăng nhập' }).click();
    await second.page.getByRole('heading', { level: 1, name: /Xin chào/ }).waitFor();

    await openFromNav(first.page, 'Tài khoản');
    await first.page.getByRole('button', { name: 'Đăng xuất trên mọi thiết bị' }).click();
    await first.page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    await second.page.reload();
    await second.page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();

    // Signed in again, then an admin deactivates the account in the console.
    await second.page.getByLabel('Tên đăng nhập').fill(username);
    await second.page.getByLabel('Mật khẩu', { exact: true }).fill(PASSWORD);
    await second.page.getByRole('button', { name: 'Đăng nhập' }).click();
    await second.page.getByRole('heading', { level: 1, name: /Xin chào/ }).waitFor();
    const admin = await signedInAdmin(browser, server, 'desk');
    await admin.page.goto(`${server.url}/admin/users`);
    const fullName = `Cô ${username.replace(/(\d+)$/, ' $1')}`;
    await admin.page.getByRole('button', { name: `Khóa ${fullName}`, exact: true }).click();
    await admin.page.getByRole('button', { name: `Mở khóa ${fullName}`, exact: true }).waitFor();
    await second.page.reload();
    await second.page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    for (const c of [first, second, admin]) await c.context.close();
  }, 60_000);

  it('a personal API token made in the console works as a bearer token until revoked', async () => {
    const { context, page } = await signedInAdmin(browser, server, 'phone');
    await openFromNav(page, 'Tài khoản');
    await page.getByLabel('Tên mã (để nhớ dùng ở đâu)').fill('báo cáo tuần');
    await page.getByRole('button', { name: 'Tạo mã' }).click();
    const token = (await page.locator('.secret code').textContent())!.trim();
    await expectAccessible(page, 'account with a new token');
    const me = () => fetch(`${server.url}/api/admin/me`, { headers: { authorization: `Bearer ${token}` } });
    expect((await me()).status).toBe(200);
    await page.getByRole('button', { name: 'Thu hồi mã báo cáo tuần' }).click();
    await page.getByText('Chưa có mã nào.').waitFor();
    expect((await me()).status).toBe(401);
    await context.close();
  }, 60_000);

  it('the principal gets the unanswered questions, school data and audit log, not the users or the FAQ editor', async () => {
    const { setupUrl } = await newUser(server, 'principal');
    const { context, page } = await newPage(browser, 'desk');
    await setUp(page, server, setupUrl);
    const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
    for (const name of ['Tổng quan', 'Câu hỏi thường gặp', 'Chưa trả lời', 'Dữ liệu trường', 'Nhật ký', 'Tài khoản']) {
      await nav.getByRole('link', { name: new RegExp(`^${name}`) }).waitFor();
    }
    expect(await nav.getByRole('link', { name: 'Người dùng' }).count()).toBe(0);
    await page.goto(`${server.url}/admin/school/fees`);
    await page.getByRole('button', { name: 'Lưu', exact: true }).waitFor();
    await page.goto(`${server.url}/admin/faq/fees`);
    await page.getByRole('heading', { level: 1, name: 'Bạn không có quyền vào trang này' }).waitFor();
    await context.close();
  }, 60_000);

  it('a session that ends while editing asks for the password over the screen and loses nothing', async () => {
    const { username, setupUrl } = await newUser(server, 'admin');
    const { context, page } = await newPage(browser, 'phone');
    await setUp(page, server, setupUrl);
    await page.goto(`${server.url}/admin/faq/thanks`);
    const description = page.getByLabel('Mô tả');
    await description.fill('Phụ huynh cảm ơn (sửa khi phiên đã hết)');
    await context.clearCookies();
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Phiên đăng nhập đã hết' });
    await dialog.waitFor();
    await expectAccessible(page, 'session ended');
    await dialog.getByLabel('Tên đăng nhập').fill(username);
    await dialog.getByLabel('Mật khẩu', { exact: true }).fill(PASSWORD);
    await dialog.getByRole('button', { name: 'Đăng nhập' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await description.inputValue()).toBe('Phụ huynh cảm ơn (sửa khi phiên đã hết)');
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await page.getByTestId('training').waitFor();
    expect((await adminApi(server, 'GET', '/api/admin/intents/thanks')).body.intent.description).toBe('Phụ huynh cảm ơn (sửa khi phiên đã hết)');
    await context.close();
  }, 60_000);

  it('every screen in English passes axe too (phone)', async () => {
    const { context, page } = await signedInAdmin(browser, server, 'phone');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: /^Hello/ }).waitFor();
    const screens: [string, RegExp][] = [
      ['/admin/', /^Hello/], ['/admin/faq', /^FAQ$/], ['/admin/faq/fees', /^Edit FAQ: fees$/], ['/admin/faq/new', /^New FAQ$/],
      ['/admin/faq/import', /^Import/], ['/admin/unanswered', /^Unanswered questions$/], ['/admin/school/menus', /^School data: Menu$/],
      ['/admin/school/calendar', /^School data: Calendar$/], ['/admin/users', /^Users$/], ['/admin/audit', /^Audit log$/], ['/admin/account', /^Account$/], ['/admin/more', /^More$/],
    ];
    for (const [url, heading] of screens) {
      await page.goto(server.url + url);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.waitForLoadState('networkidle');
      await expectAccessible(page, `${url} (English)`);
    }
    expect(await page.getByRole('navigation', { name: 'Main navigation' }).textContent()).not.toMatch(/Tổng quan|Tài khoản/);
    await context.close();
  }, 90_000);

  it('after five wrong passwords in a row the sign-in form says when to try again', async () => {
    const { username, setupUrl } = await newUser(server, 'staff');
    const first = await newPage(browser, 'desk');
    await setUp(first.page, server, setupUrl);
    await first.context.close();
    for (let i = 0; i < 5; i++) {
      await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: `wrong-${i}-password` }) });
    }
    const { context, page } = await newPage(browser, 'phone');
    await page.goto(`${server.url}/admin/`);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByText(/Thử lại sau \d+ giây\./).waitFor();
    expect(await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).count()).toBe(1);
    await expectAccessible(page, 'sign-in, slowed down');
    await context.close();
  }, 60_000);
});
