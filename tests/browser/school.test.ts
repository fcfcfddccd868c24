// School data in the console, at a phone's size and a desk's: an edited menu day is what
// "thực đơn hôm nay" answers; a wrong field is shown next to itself and nothing is saved.
import { expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { adminApi, chat, describeBrowser, expectAccessible, launchBrowser, pageDialogs, signedInAdmin, startServer, withServerAndBrowser, type Server, type ViewportName } from './harness.ts';

const DAY_NAMES = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];

describeBrowser('console: school data', () => {
  let server: Server;
  let browser: Browser;
  withServerAndBrowser((s, b) => { server = s; browser = b; });

  for (const size of ['phone', 'desk'] as ViewportName[]) {
    it(`an edited menu day is what "thực đơn hôm nay" answers (${size})`, async () => {
      const { context, page } = await signedInAdmin(browser, server, size);
      await page.goto(`${server.url}/admin/school/menus`);
      await page.getByRole('heading', { level: 2, name: 'Tuần 1' }).waitFor();
      await expectAccessible(page, 'menu grid');
      // The rotation's cell for the server's today (the server runs on the next school day).
      const { body } = await adminApi(server, 'GET', '/api/admin/school/menus');
      const menus = body.data;
      expect(menus.overrides[server.today]).toBeUndefined();
      const week = Math.floor((Date.parse(server.today) - Date.parse(menus.rotationStart)) / (7 * 86_400_000)) % menus.weeks.length;
      const day = DAY_NAMES[new Date(`${server.today}T00:00:00Z`).getUTCDay()];
      const lunch = `Cơm gạo lứt, cá hồi áp chảo, canh cải (${size})`;
      const cell = page.getByLabel(`Tuần ${week + 1}, ${day}, Bữa trưa (Tiếng Việt)`);
      await cell.fill(lunch);
      // Leaving with the change unsaved asks first; "no" keeps the grid as it is.
      const asked = pageDialogs(page);
      asked.accept = false;
      await page.getByRole('link', { name: 'Tổng quan' }).click();
      await expect.poll(() => asked.messages.length).toBe(1);
      expect(asked.messages[0]).toContain('chưa lưu');
      expect(await cell.inputValue()).toBe(lunch);
      asked.accept = true;
      await page.getByRole('button', { name: 'Lưu', exact: true }).click();
      await page.getByText('Đã lưu. Loa trả lời theo dữ liệu mới ngay.').waitFor();
      expect(await chat(server, `parent-menu-${size}`, 'thực đơn hôm nay')).toContain(lunch);
      await page.getByRole('link', { name: 'Tổng quan' }).click();
      await page.getByRole('heading', { level: 1, name: /Xin chào/ }).waitFor();
      expect(asked.messages.length).toBe(1);
      await context.close();
    }, 60_000);

    it(`a wrong field is shown next to itself and nothing is saved (${size})`, async () => {
      const { context, page } = await signedInAdmin(browser, server, size);
      await page.goto(`${server.url}/admin/school/profile`);
      const short = page.getByLabel('Tên ngắn', { exact: true });
      await short.waitFor();
      const before = await short.inputValue();
      await short.fill('');
      await page.getByRole('button', { name: 'Lưu', exact: true }).click();
      // The message sits in the field's own block and is tied to the input.
      const field = page.locator('.field.invalid', { has: short });
      await field.locator('.field-error').waitFor();
      expect(await short.getAttribute('aria-invalid')).toBe('true');
      expect(await short.getAttribute('aria-describedby')).toContain(await field.locator('.field-error').getAttribute('id'));
      await expectAccessible(page, 'profile with an error');
      const { body } = await adminApi(server, 'GET', '/api/admin/school/profile');
      expect(body.data.shortName).toBe(before);
      // Pick-up hours use the phone's own time picker.
      await page.goto(`${server.url}/admin/school/pickup`);
      expect(await page.getByLabel('Mở cửa').getAttribute('type')).toBe('time');
      await expectAccessible(page, 'pick-up hours');
      await context.close();
    }, 60_000);

    it(`every school data form, the users and the audit log pass axe (${size})`, async () => {
      const { context, page } = await signedInAdmin(browser, server, size);
      for (const tab of ['profile', 'fees', 'calendar', 'guides', 'classes']) {
        await page.goto(`${server.url}/admin/school/${tab}`);
        await page.getByRole('button', { name: 'Lưu', exact: true }).waitFor();
        await expectAccessible(page, `school ${tab}`);
      }
      await page.goto(`${server.url}/admin/users`);
      const form = page.getByRole('form', { name: 'Thêm người dùng' });
      await form.getByLabel('Tên đăng nhập').fill(`teacher-${size}`);
      await form.getByLabel('Họ tên').fill(`Cô Lan ${size}`);
      await form.getByLabel('Vai trò').selectOption('staff');
      await form.getByLabel('Lá A1').check();
      await form.getByRole('button', { name: 'Tạo và lấy đường dẫn' }).click();
      const link = await page.getByTestId('setup-url').textContent();
      expect(link).toMatch(new RegExp(`^${server.url}/admin/setup/`));
      await expectAccessible(page, 'users');
      // Her role changed later: the list says so.
      await page.getByText(`Đổi vai trò, lớp của Cô Lan ${size}`).click();
      const edit = page.locator('details[open]');
      await edit.getByLabel('Vai trò').selectOption('viewer');
      await edit.getByRole('button', { name: 'Lưu thay đổi' }).click();
      await edit.getByText('Đã lưu.').waitFor();
      const users = (await adminApi(server, 'GET', '/api/admin/users')).body.users as { username: string; role: string }[];
      expect(users.find((u) => u.username === `teacher-${size}`)?.role).toBe('viewer');
      await expectAccessible(page, 'users, editing one');
      // She forgot her password: a new link, different from the first.
      await page.getByRole('button', { name: `Đường dẫn mới cho Cô Lan ${size}`, exact: true }).click();
      await expect.poll(() => page.getByTestId('setup-url').textContent()).not.toBe(link);
      expect(await page.getByTestId('setup-url').textContent()).toMatch(new RegExp(`^${server.url}/admin/setup/`));
      await page.goto(`${server.url}/admin/audit`);
      await page.getByRole('table').waitFor();
      await expectAccessible(page, 'audit');
      // Filtered by kind: only user changes are listed.
      await page.getByLabel('Loại việc').selectOption('user.update');
      await expect.poll(async () => [...new Set(await page.locator('tbody tr td:nth-child(3)').allTextContents())]).toEqual(['Sửa người dùng']);
      await context.close();
    }, 60_000);
  }

  it('a menu CSV with a bad row names its line; a good one fills the grid; a stale save is refused', async () => {
    const { context, page } = await signedInAdmin(browser, server, 'desk');
    await page.goto(`${server.url}/admin/school/menus`);
    await page.getByRole('heading', { level: 2, name: 'Tuần 1' }).waitFor();
    const csv = page.getByLabel('Hoặc dán nội dung CSV');
    const rows = ['week,day,lunch_vi,lunch_en,snack_vi,snack_en', '1,Thứ Hai,Phở gà,Chicken pho,Sữa chua,Yoghurt', '1,Thứ Tám,Cơm,Rice,,'];
    await csv.fill(rows.join('\n'));
    await page.getByRole('button', { name: 'Nạp vào bảng' }).click();
    await page.getByText(/^Dòng 3:/).waitFor();
    await csv.fill(rows.slice(0, 2).join('\n'));
    await page.getByRole('button', { name: 'Nạp vào bảng' }).click();
    await page.getByText('Đã nạp vào bảng. Kiểm tra rồi bấm Lưu.').waitFor();
    expect(await page.getByLabel('Tuần 1, Thứ Hai, Bữa trưa (Tiếng Việt)').inputValue()).toBe('Phở gà');
    await expectAccessible(page, 'menu after CSV');

    // Someone else saves the menu meanwhile: this save is refused, nothing overwritten.
    const current = (await adminApi(server, 'GET', '/api/admin/school/menus')).body;
    expect((await adminApi(server, 'PUT', '/api/admin/school/menus', { data: current.data, version: current.version })).status).toBe(200);
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await page.getByText('Người khác vừa lưu phần này.').waitFor();
    expect((await adminApi(server, 'GET', '/api/admin/school/menus')).body.data.weeks[0].mon.lunch.vi).not.toBe('Phở gà');
    await context.close();
  }, 60_000);

  it('the day at school, edited beside the pick-up hours, is what parents get (phone)', async () => {
    const { context, page } = await signedInAdmin(browser, server, 'phone');
    await page.goto(`${server.url}/admin/school/pickup`);
    const routine = page.getByRole('form', { name: 'Một ngày ở trường' });
    const text = '7:00 đón trẻ, 8:00 thể dục sáng, 10:30 ăn trưa, 12:00 ngủ trưa, 16:30 trả trẻ.';
    await routine.getByLabel('Tiếng Việt').fill(text);
    await routine.getByRole('button', { name: 'Lưu', exact: true }).click();
    await routine.getByText('Đã lưu. Loa trả lời theo dữ liệu mới ngay.').waitFor();
    expect(await chat(server, 'parent-routine', 'một ngày ở trường của con như thế nào ạ')).toContain(text);
    await context.close();
  }, 60_000);
});
