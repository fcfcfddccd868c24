// The school's daily work in the console, at a phone's size and a desk's: an urgent report made
// through the chat reaches the principal's overview live (no reload); she assigns it and replies,
// and the parent's next chat turn carries the reply. A teacher limited to one class sees that
// class's comments and absences and nothing else. Every screen passes axe.
import { expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { adminApi, describeBrowser, expectAccessible, newPage, newUser, setUp, withServerAndBrowser, type Server, type ViewportName } from './harness.ts';
import { CHAT_API_KEY } from '../helpers.ts';

/** A parent writing through a trusted server's chat (the same POST /api/chat as the web widget). */
async function parentSays(server: Server, user: string, text: string): Promise<string> {
  const res = await fetch(`${server.url}/api/chat`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${CHAT_API_KEY}` }, body: JSON.stringify({ user, text }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { replies: { text: string }[] }).replies.map((r) => r.text).join('\n');
}

async function userId(server: Server, username: string): Promise<string> {
  const { body } = await adminApi(server, 'GET', '/api/admin/users');
  return body.users.find((u: { username: string }) => u.username === username).id;
}

const live = (page: Page) => page.getByTestId('live-state').filter({ hasText: 'Tự cập nhật trực tiếp' }).waitFor();

describeBrowser('console: comments, absences and the live overview', () => {
  let server: Server;
  let browser: Browser;
  withServerAndBrowser((s, b) => { server = s; browser = b; });

  for (const size of ['phone', 'desk'] as ViewportName[]) {
    it(`an urgent report reaches the principal's overview live; she assigns it and replies, and the parent gets the reply (${size})`, async () => {
      const teacher = await newUser(server, 'staff');
      const { setupUrl } = await newUser(server, 'principal');
      const { context, page } = await newPage(browser, size);
      await setUp(page, server, setupUrl);
      await live(page);
      await expectAccessible(page, 'overview');
      await page.evaluate(() => { (window as unknown as { stillHere: boolean }).stillHere = true; });

      const parent = `parent-urgent-${size}`;
      const answer = await parentSays(server, parent, 'con em vua bi nga o lop, chay mau dau');
      const code = /PA-\d+/.exec(answer)![0];
      const item = page.getByTestId('overview-item').filter({ hasText: code });
      await item.waitFor({ timeout: 5000 });
      await item.getByText('Khẩn').waitFor();
      // The navigation's "Comments" item counts it too, on every screen.
      await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByTestId('comments-badge').waitFor();
      // The same page, not a reload.
      expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
      await expectAccessible(page, 'overview with an urgent comment');

      await item.getByRole('link', { name: code }).click();
      await page.getByRole('heading', { level: 1, name: `Phản ánh ${code}` }).waitFor();
      expect(await page.getByTestId('parent-text').textContent()).toContain('chay mau dau');
      await page.getByTestId('deadline').filter({ hasText: /Còn .* để trả lời/ }).waitFor();
      await expectAccessible(page, 'comment page');

      await page.getByLabel('Giao cho').selectOption(await userId(server, teacher.username));
      await page.getByRole('button', { name: 'Giao việc' }).click();
      await page.getByText('Đã giao việc.').waitFor();
      await page.getByTestId('assigned-to').filter({ hasText: 'Cô staff' }).waitFor();
      // Its category corrected from the list; the history says so.
      await page.getByRole('combobox', { name: 'Chủ đề' }).last().selectOption('teacher_conduct');
      await page.getByRole('button', { name: 'Lưu chủ đề' }).click();
      await page.getByText('Đã sửa chủ đề.').waitFor();
      await page.getByTestId('history').getByText(/Chủ đề: .* → Thái độ giáo viên/).waitFor();

      await page.getByLabel('Mẫu trả lời').selectOption({ label: 'Hẹn gọi điện' });
      const box = page.getByLabel('Nội dung trả lời');
      expect(await box.inputValue()).toContain('gọi điện');
      const reply = `Cô hiệu trưởng đang gọi cho anh chị ngay (${size}).`;
      await box.fill(reply);
      await page.getByRole('button', { name: 'Gửi trả lời' }).click();
      await page.getByRole('status').filter({ hasText: 'Sẽ hiện cho phụ huynh khi họ mở lại trang chat.' }).waitFor();
      await page.getByTestId('history').getByText(reply).waitFor();
      await page.getByTestId('deadline').waitFor({ state: 'detached' });
      await expectAccessible(page, 'comment page after the reply');

      expect(await parentSays(server, parent, 'vâng ạ')).toContain(reply);

      await page.goto(`${server.url}/admin/comments?view=urgent`);
      await page.locator(`[data-code="${code}"]`).waitFor();
      await expectAccessible(page, 'urgent comments');
      await context.close();
    }, 90_000);

    it(`a teacher of one class sees that class's comments and absences and nothing else (${size})`, async () => {
      const { loa } = server;
      const mark = `${size}-${Date.now()}`;
      const own = await loa.features.comments.submit({ text: `Lớp Lá A1 cần thêm quạt ${mark}`, classId: 'la-a1', anonymous: false, contactId: null, ref: null, displayName: 'Bố bé Minh' });
      const other = await loa.features.comments.submit({ text: `Lớp Lá A2 ồn quá ${mark}`, classId: 'la-a2', anonymous: false, contactId: null, ref: null, displayName: 'Mẹ bé Lan' });
      const at = new Date().toISOString();
      await loa.store.absences.create({ createdAt: at, contactId: null, childName: `Bé Một ${mark}`, classId: 'la-a1', fromDate: server.today, toDate: server.today, reason: 'bị sốt' });
      await loa.store.absences.create({ createdAt: at, contactId: null, childName: `Bé Hai ${mark}`, classId: 'la-a2', fromDate: server.today, toDate: server.today, reason: 'về quê' });

      const { setupUrl } = await newUser(server, 'staff', ['la-a1']);
      const { context, page } = await newPage(browser, size);
      await setUp(page, server, setupUrl);
      const absences = page.getByTestId('overview-absences');
      await absences.waitFor();
      expect(await absences.textContent()).toContain('Lá A1');
      expect(await absences.textContent()).not.toContain('Lá A2');
      // Nothing of what keeps Loa running, nor approvals: not a teacher's.
      expect(await page.getByTestId('overview-channels').count()).toBe(0);
      expect(await page.getByTestId('count-pending').count()).toBe(0);
      await expectAccessible(page, 'staff overview');

      await page.goto(`${server.url}/admin/comments?q=${encodeURIComponent('can them quat')}`);
      await page.locator(`[data-code="${own.code}"]`).waitFor();
      // One of her class's, three hours past its first-answer deadline: first, saying how late.
      const late = await loa.store.comments.create({
        createdAt: new Date(Date.now() - 50 * 3_600_000).toISOString(), contactId: null, ref: null, displayName: 'Mẹ bé Su', classId: 'la-a1',
        text: `Chưa ai trả lời em ${mark}`, category: 'communication', sentiment: 'negative', severity: 'normal', anonymous: false, status: 'new',
        assignedTo: null, firstResponseAt: null, dueAt: new Date(Date.now() - 3 * 3_600_000).toISOString(), remindedAt: null,
      });
      await page.goto(`${server.url}/admin/comments`);
      await page.locator(`[data-code="${own.code}"]`).waitFor();
      await live(page);
      const lateRow = page.locator(`[data-code="${late.code}"]`);
      await lateRow.getByText('Trễ 3 giờ').waitFor();
      await lateRow.getByText('Quá hạn').waitFor();
      // Overdue before the newer ones that are still in time (urgent ones of other tests may come before).
      const codes = await page.getByTestId('comment-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
      expect(codes.indexOf(late.code)).toBeLessThan(codes.indexOf(own.code));
      expect(await page.locator(`[data-code="${other.code}"]`).count()).toBe(0);
      expect(await page.locator('main').textContent()).not.toContain('Lá A2 ồn quá');
      await expectAccessible(page, 'staff comments');
      // A new comment of her class appears without a reload; one of another class does not.
      const later = await loa.features.comments.submit({ text: `Bé bị ngã nhẹ ở sân ${mark}`, classId: 'la-a1', anonymous: false, contactId: null, ref: null, displayName: 'Bố bé Minh' });
      const otherLater = await loa.features.comments.submit({ text: `Lá A2 thiếu nước ${mark}`, classId: 'la-a2', anonymous: false, contactId: null, ref: null, displayName: 'Mẹ bé Lan' });
      await page.locator(`[data-code="${later.code}"]`).waitFor({ timeout: 5000 });
      expect(await page.locator(`[data-code="${otherLater.code}"]`).count()).toBe(0);

      // Another class's comment, asked for by its address: not found, nothing shown.
      await page.goto(`${server.url}/admin/comments/${other.id}`);
      await page.getByRole('alert').filter({ hasText: 'Không tìm thấy phản ánh này' }).waitFor();
      expect(await page.locator('main').textContent()).not.toContain('ồn quá');

      await page.goto(`${server.url}/admin/absences`);
      await page.getByTestId('absences-total').waitFor();
      const text = await page.locator('main').textContent();
      expect(text).toContain(`Bé Một ${mark}`);
      expect(text).toContain('bị sốt');
      expect(text).not.toContain(`Bé Hai ${mark}`);
      expect(await page.locator('[data-testid="absence-class"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-class')))).toEqual(['la-a1']);
      await expectAccessible(page, 'staff absences');
      await context.close();
    }, 90_000);
  }

  it('every screen of the daily work in English passes axe too (phone)', async () => {
    const c = await server.loa.features.comments.submit({ text: 'The gate was left open at pick-up', classId: 'la-a1', anonymous: false, contactId: null, ref: null, displayName: 'Mr Minh' });
    const { setupUrl } = await newUser(server, 'admin');
    const { context, page } = await newPage(browser, 'phone');
    await setUp(page, server, setupUrl);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: /^Hello/ }).waitFor();
    await page.getByText('Updating live').waitFor();
    await expectAccessible(page, 'overview (English)');
    const screens: [string, RegExp][] = [
      ['/admin/comments', /^Comments and complaints$/], [`/admin/comments/${c.id}`, new RegExp(`^Comment ${c.code}$`)],
      ['/admin/absences', /^Absences$/], ['/admin/comments/templates', /^Reply templates$/],
    ];
    for (const [url, heading] of screens) {
      await page.goto(server.url + url);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.getByText(/Updating live|Reply templates/).first().waitFor();
      await expectAccessible(page, `${url} (English)`);
    }
    expect(await page.locator('main').textContent()).not.toMatch(/Mẫu trả lời|Góp ý/);
    await context.close();
  }, 90_000);

  it("the commune's viewer gets counts and ticket codes, never a parent's words (phone)", async () => {
    const c = await server.loa.features.comments.submit({ text: 'Bé nhà em bị bạn cắn ở lớp', classId: 'la-a2', anonymous: false, contactId: null, ref: null, displayName: 'Mẹ bé Bông', urgent: true });
    await server.loa.store.absences.create({ createdAt: new Date().toISOString(), contactId: null, childName: 'Bé Viewer', classId: 'la-a2', fromDate: server.today, toDate: server.today, reason: 'thủy đậu' });
    const { setupUrl } = await newUser(server, 'viewer');
    const { context, page } = await newPage(browser, 'phone');
    await setUp(page, server, setupUrl);
    await page.getByTestId('overview-item').filter({ hasText: c.code }).waitFor();
    await expectAccessible(page, 'viewer overview');
    await page.goto(`${server.url}/admin/comments`);
    await page.locator(`[data-code="${c.code}"]`).waitFor();
    await page.goto(`${server.url}/admin/absences`);
    await page.getByTestId('absences-total').waitFor();
    await expectAccessible(page, 'viewer absences');
    await page.goto(`${server.url}/admin/comments`);
    await page.locator(`[data-code="${c.code}"]`).waitFor();
    await expectAccessible(page, 'viewer comments');
    const text = await page.locator('main').textContent();
    expect(text).not.toContain('bạn cắn');
    expect(text).not.toContain('Mẹ bé Bông');
    expect(await page.locator(`[data-code="${c.code}"] a`).count()).toBe(0);
    await page.goto(`${server.url}/admin/absences`);
    await page.getByTestId('absences-total').waitFor();
    expect(await page.locator('main').textContent()).not.toMatch(/Bé Viewer|thủy đậu/);
    await context.close();
  }, 60_000);

  it('admins keep the reply templates; a wrong one is shown at its field and nothing is lost', async () => {
    const { setupUrl } = await newUser(server, 'admin');
    const { context, page } = await newPage(browser, 'desk');
    await setUp(page, server, setupUrl);
    await page.goto(`${server.url}/admin/comments/templates`);
    await page.getByRole('heading', { level: 1, name: 'Mẫu trả lời' }).waitFor();
    await expectAccessible(page, 'reply templates');
    await page.getByRole('button', { name: 'Thêm mẫu' }).click();
    const names = page.getByLabel('Tên mẫu');
    await names.last().fill('Mời họp');
    await page.getByRole('button', { name: 'Lưu các mẫu' }).click();
    // The Vietnamese text is missing: said at the field, the typed name kept.
    await page.locator('.field.invalid').first().waitFor();
    expect(await names.last().inputValue()).toBe('Mời họp');
    await page.getByLabel('Nội dung (tiếng Việt)').last().fill('Mời anh/chị đến trường lúc 16:30.');
    await page.getByRole('button', { name: 'Lưu các mẫu' }).click();
    await page.getByText('Đã lưu các mẫu trả lời.').waitFor();
    const { body } = await adminApi(server, 'GET', '/api/admin/reply-templates');
    expect(body.templates.map((t: { title: string }) => t.title)).toContain('Mời họp');
    await context.close();
  }, 60_000);
});
