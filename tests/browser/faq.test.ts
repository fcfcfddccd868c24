// Teaching Loa in the console, at a phone's size and a desk's: find an intent without diacritics,
// add a FAQ that parents get at once, turn an unanswered question into a FAQ; every screen checked by axe.
import { expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { adminApi, chat, describeBrowser, expectAccessible, launchBrowser, signedInAdmin, startServer, withServerAndBrowser, waitLive, type Server, type ViewportName } from './harness.ts';

/** A topic per size, so that the two runs do not teach the same thing twice. */
const NEW_FAQ = {
  phone: {
    id: 'parking', description: 'Where parents park',
    utterances: ['gửi xe máy ở đâu', 'trường có chỗ để xe không', 'phụ huynh đỗ xe ô tô ở đâu', 'chỗ gửi xe của trường ở đâu', 'để xe máy ở đâu ạ',
      'bãi đỗ xe ở đâu', 'có chỗ đỗ ô tô không cô', 'gui xe o dau', 'đỗ xe ở cổng trường được không', 'xe máy để chỗ nào', 'gửi xe có mất tiền không'],
    ask: 'bố mẹ gửi xe máy ở đâu ạ', answer: 'Phụ huynh gửi xe máy ở sân sau, vào bằng cổng số 2.',
  },
  desk: {
    id: 'swimming', description: 'Swimming lessons',
    utterances: ['trường có dạy bơi không', 'bể bơi của trường', 'con học bơi ở đâu', 'lớp học bơi mấy giờ', 'học bơi có mất tiền không',
      'hoc boi o truong', 'bé có được đi bơi không', 'trường có bể bơi không ạ', 'đăng ký học bơi thế nào', 'bơi lội cho trẻ mầm non'],
    ask: 'cho con học bơi ở trường được không cô', answer: 'Lớp Lá học bơi thứ Tư hằng tuần ở bể bơi của trường.',
  },
};
/** Questions the shipped model does not answer (checked below before they are taught). */
const UNANSWERED = {
  phone: { ask: 'Trường có đăng ảnh các bé lên Facebook không? Em không muốn ảnh con lên mạng', more: ['trường có đăng hình các con lên mạng không', 'ảnh của bé có bị đăng lên fanpage không', 'xin trường đừng đăng ảnh con lên facebook', 'trường có xin phép trước khi đăng ảnh bé không', 'photos of my child on facebook'], id: 'photos', answer: 'Trường chỉ đăng ảnh các bé khi bố mẹ đã đồng ý bằng văn bản.' },
  desk: { ask: 'truong co may phat dien khi mat dien ko a, mua he ma mat dien thi cac con ngu sao', more: ['trường có máy phát điện không', 'mất điện thì các con ngủ trưa thế nào', 'khi mất điện trường làm sao', 'có máy phát điện dự phòng không ạ', 'does the school have a generator'], id: 'generator', answer: 'Trường có máy phát điện dự phòng cho cả khu lớp học.' },
};

describeBrowser('console: teaching Loa', () => {
  let server: Server;
  let browser: Browser;
  withServerAndBrowser((s, b) => { server = s; browser = b; });

  for (const size of ['phone', 'desk'] as ViewportName[]) {
    it(`finds the fees intent by typing "hoc phi"; Thử ngay answers like a parent gets it (${size})`, async () => {
      const { context, page } = await signedInAdmin(browser, server, size);
      await page.getByRole('link', { name: 'Câu hỏi thường gặp' }).first().click();
      await page.locator('[data-intent="fees"]').waitFor();
      await page.getByRole('searchbox', { name: 'Tìm câu hỏi' }).fill('hoc phi');
      await expect.poll(() => page.locator('[data-intent]').evaluateAll((els) => els.map((e) => e.getAttribute('data-intent')))).toContain('fees');
      const shown = await page.locator('[data-intent]').evaluateAll((els) => els.map((e) => e.getAttribute('data-intent')));
      expect(shown.length).toBeLessThan(5);
      await expectAccessible(page, 'faq list');

      await page.getByLabel('Tin nhắn của phụ huynh').fill('học phí tháng này bao nhiêu ạ');
      await page.getByRole('button', { name: 'Thử', exact: true }).click();
      const result = page.getByTestId('try-result');
      await result.getByText('fees', { exact: true }).waitFor();
      expect(await result.textContent()).toMatch(/Học phí/);
      await expectAccessible(page, 'try it');

      await page.locator('[data-intent="fees"] a').click();
      await page.getByRole('heading', { level: 1, name: 'Sửa câu hỏi: fees' }).waitFor();
      await expectAccessible(page, 'intent editor');
      await page.goto(`${server.url}/admin/faq/import`);
      await page.getByRole('heading', { level: 1, name: 'Nhập / xuất câu hỏi' }).waitFor();
      await expectAccessible(page, 'import/export');
      await context.close();
    }, 60_000);

    it(`a new FAQ made in the console answers parents after training (${size})`, async () => {
      const faq = NEW_FAQ[size];
      const { context, page } = await signedInAdmin(browser, server, size);
      await page.goto(`${server.url}/admin/faq/new`);
      await page.getByLabel('Mã (id)').fill(faq.id);
      await page.getByLabel('Mô tả').fill(faq.description);
      await page.getByLabel('Tên nút (tiếng Việt)').fill(faq.description.slice(0, 40));
      // While typing, a warning when the model already sends the line to another intent.
      await page.getByLabel('Câu hỏi mẫu tiếng Việt').click();
      await page.keyboard.type('học phí tháng này bao nhiêu');
      await page.getByText('Loa hiện hiểu câu này là “fees”').waitFor();
      await page.getByLabel('Câu hỏi mẫu tiếng Việt').fill(faq.utterances.join('\n'));
      // A placeholder goes where the cursor is.
      const answer = page.getByLabel('Câu trả lời tiếng Việt');
      await answer.fill(`${faq.answer} Cần hỏi thêm xin gọi  ạ.`);
      await answer.evaluate((el: HTMLTextAreaElement) => { const at = el.value.length - ' ạ.'.length; el.setSelectionRange(at, at); });
      await page.getByRole('button', { name: /^\{\{phone\}\} – chèn vào câu trả lời Tiếng Việt/ }).click();
      expect(await answer.inputValue()).toBe(`${faq.answer} Cần hỏi thêm xin gọi {{phone}} ạ.`);
      await page.getByLabel('Câu trả lời tiếng Anh').fill('Ask the school office.');
      // A quick reply: the contact topic, offered as a button under the answer.
      await page.getByLabel('Thêm nút cho mục').selectOption('contact');
      await page.getByRole('button', { name: 'Thêm nút' }).click();
      await page.getByRole('button', { name: 'Xóa nút Liên hệ' }).waitFor();
      await expectAccessible(page, 'new intent');
      await page.getByRole('button', { name: 'Tạo câu hỏi' }).click();
      await page.getByRole('heading', { level: 1, name: `Sửa câu hỏi: ${faq.id}` }).waitFor();
      await waitLive(page);
      const phone = (await adminApi(server, 'GET', '/api/admin/school/profile')).body.data.phone;
      expect(await chat(server, `parent-${size}-new`, faq.ask)).toContain(`${faq.answer} Cần hỏi thêm xin gọi ${phone} ạ.`);
      const stored = await adminApi(server, 'GET', `/api/admin/intents/${faq.id}`);
      expect(stored.body.intent.utterances.vi).toEqual(faq.utterances);
      expect(stored.body.intent.title.vi).toBe(faq.description.slice(0, 40));
      const res = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: `parent-${size}-buttons`, text: faq.ask }) });
      const replies = (await res.json()).replies as { quickReplies?: { title: string }[] }[];
      expect(replies.flatMap((r) => r.quickReplies ?? []).map((q) => q.title)).toContain('Liên hệ');
      await context.close();
    }, 90_000);

    it(`an unanswered question becomes a FAQ in the console and is answered afterwards (${size})`, async () => {
      // A server of its own: what the other tests taught must not answer this question.
      const own = await startServer();
      try {
        const q = UNANSWERED[size];
        const parent = `parent-${size}-unanswered`;
        const first = await chat(own, parent, q.ask);
        expect(first).not.toContain(q.answer);
        const { context, page } = await signedInAdmin(browser, own, size);
        // The count is on the front page and on the FAQ screen.
        await expect.poll(async () => Number(await page.getByTestId('unanswered-count').textContent()), { timeout: 15_000 }).toBeGreaterThan(0);
        const count = Number(await page.getByTestId('unanswered-count').textContent());
        await page.getByRole('link', { name: 'Câu hỏi thường gặp' }).first().click();
        await page.getByRole('link', { name: `${count} câu hỏi chưa trả lời được – xem ngay` }).waitFor();
        await page.getByRole('link', { name: /Chưa trả lời/ }).first().click();
        const group = page.locator(`[data-group="${q.ask}"]`);
        await group.waitFor();
        await expectAccessible(page, 'unanswered');
        await group.getByRole('button', { name: 'Tạo câu hỏi mới' }).click();
        await page.getByRole('heading', { level: 1, name: 'Câu hỏi mới' }).waitFor();
        const utterances = page.getByLabel('Câu hỏi mẫu tiếng Việt');
        expect(await utterances.inputValue()).toContain(q.ask);
        await utterances.focus();
        await page.keyboard.press('Control+End');
        await page.keyboard.insertText(`\n${q.more.join('\n')}`);
        await page.getByLabel('Mã (id)').fill(q.id);
        await page.getByLabel('Mô tả').fill(q.id);
        await page.getByLabel('Câu trả lời tiếng Việt').fill(q.answer);
        await page.getByRole('button', { name: 'Tạo câu hỏi' }).click();
        await page.getByRole('heading', { level: 1, name: `Sửa câu hỏi: ${q.id}` }).waitFor();
        await waitLive(page);
        expect(await chat(own, parent, q.ask)).toContain(q.answer);
        // Resolved: the group is gone from the list.
        await page.goto(`${own.url}/admin/unanswered`);
        await page.getByTestId('unanswered-total').waitFor();
        expect(await page.locator(`[data-group="${q.ask}"]`).count()).toBe(0);
        await context.close();
      } finally {
        await own.close();
      }
    }, 90_000);
  }

  it('a pasted list of 150 utterances is kept whole; a stale edit is refused with a message', async () => {
    const { context, page } = await signedInAdmin(browser, server, 'desk');
    await page.goto(`${server.url}/admin/faq/uniform`);
    const box = page.getByLabel('Câu hỏi mẫu tiếng Anh');
    const before = (await box.inputValue()).split('\n').filter(Boolean);
    const pasted = Array.from({ length: 150 }, (_, i) => `what colour is the uniform for class ${i + 1}`);
    await box.focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText(`\n${pasted.join('\n')}`);
    await page.getByText(`Hiện có ${before.length + 150} câu`).waitFor();

    // Meanwhile someone else saves the same intent.
    const other = await adminApi(server, 'GET', '/api/admin/intents/uniform');
    const { intent } = other.body;
    const res = await adminApi(server, 'PUT', '/api/admin/intents/uniform', { ...intent, description: `${intent.description} (edited)` });
    expect(res.status).toBe(200);
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await page.getByText('Người khác vừa lưu câu hỏi này').waitFor();
    expect((await box.inputValue()).split('\n').filter(Boolean).length).toBe(before.length + 150);

    await page.getByRole('button', { name: 'Tải lại' }).click();
    await expect.poll(() => page.getByLabel('Mô tả').inputValue()).toContain('(edited)');
    await box.focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText(`\n${pasted.join('\n')}`);
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await waitLive(page);
    const saved = await adminApi(server, 'GET', '/api/admin/intents/uniform');
    expect(saved.body.intent.utterances.en).toEqual([...before, ...pasted]);
    await context.close();
  }, 90_000);

  it('an import lists bad rows with their line numbers, then applies all at once', async () => {
    const { context, page } = await signedInAdmin(browser, server, 'phone');
    await page.goto(`${server.url}/admin/faq/import`);
    await page.getByLabel('Định dạng').selectOption('csv');
    const bad = ['intent,type,language,text', 'school_bus,utterance,vi,trường có xe buýt không', 'school_bus,utterance,fr,bus scolaire', 'school_bus,answer,vi,Trường chưa có xe buýt đưa đón.'].join('\n');
    await page.getByLabel('Hoặc dán nội dung').fill(bad);
    await page.getByRole('button', { name: 'Kiểm tra' }).click();
    await page.getByText(/^Dòng 3:/).waitFor();
    expect(await page.getByRole('button', { name: 'Nhập tất cả' }).isDisabled()).toBe(true);
    await expectAccessible(page, 'import with errors');
    await page.getByLabel('Hoặc dán nội dung').fill(bad.replace('school_bus,utterance,fr,bus scolaire', 'school_bus,utterance,en,is there a school bus'));
    await page.getByRole('button', { name: 'Kiểm tra' }).click();
    await page.getByText('Hợp lệ: sẽ tạo 1, cập nhật 0 câu hỏi.').waitFor();
    expect((await adminApi(server, 'GET', '/api/admin/intents/school_bus')).status).toBe(404);
    await page.getByRole('button', { name: 'Nhập tất cả' }).click();
    await page.getByText('Đã nhập: tạo 1, cập nhật 0 câu hỏi.').waitFor();
    await waitLive(page);
    expect(await chat(server, 'parent-bus', 'trường có xe buýt không')).toContain('Trường chưa có xe buýt đưa đón.');
    const stored = await adminApi(server, 'GET', '/api/admin/intents/school_bus');
    expect(stored.body.intent.utterances).toEqual({ vi: ['trường có xe buýt không'], en: ['is there a school bus'] });
    // Switched off in the list, and on again.
    await page.goto(`${server.url}/admin/faq`);
    const toggle = page.getByRole('switch', { name: /school_bus|xe buýt/ });
    await toggle.click();
    await expect.poll(async () => (await adminApi(server, 'GET', '/api/admin/intents/school_bus')).body.intent.enabled).toBe(false);
    await page.locator('[data-intent="school_bus"]').getByText('Đang tắt').waitFor();
    await page.getByLabel('Hiển thị').selectOption('off');
    await expect.poll(() => page.locator('[data-intent]').evaluateAll((els) => els.map((e) => e.getAttribute('data-intent')))).toEqual(['school_bus']);
    await page.getByLabel('Hiển thị').selectOption('all');
    await toggle.click();
    await expect.poll(async () => (await adminApi(server, 'GET', '/api/admin/intents/school_bus')).body.intent.enabled).toBe(true);
    // And deleted, after saying so twice.
    await page.locator('[data-intent="school_bus"] a').click();
    await page.getByRole('button', { name: 'Xóa câu hỏi này' }).click();
    await page.getByText('Xóa hẳn “school_bus”?').waitFor();
    await page.getByRole('button', { name: 'Xóa', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Câu hỏi thường gặp' }).waitFor();
    expect((await adminApi(server, 'GET', '/api/admin/intents/school_bus')).status).toBe(404);
    await context.close();
  }, 60_000);

  it('unanswered: add to the best-guessed intent, ignore for good, undo (phone)', async () => {
    const vaccine = 'Why is the playground closed this week?';
    const books = 'Does the school have a bus service?';
    await chat(server, 'parent-vaccine', vaccine);
    await chat(server, 'parent-books', books);
    const { context, page } = await signedInAdmin(browser, server, 'phone');
    await page.goto(`${server.url}/admin/unanswered`);
    const vaccineGroup = page.locator(`[data-group="${vaccine}"]`);
    // Loa's guesses come first in the list of intents, with their confidence.
    expect(await vaccineGroup.locator('optgroup').first().getAttribute('label')).toBe('Loa đoán');
    expect(await vaccineGroup.locator('optgroup').first().locator('option').first().textContent()).toMatch(/\(\d+ %\)$/);
    await vaccineGroup.getByLabel('Thêm vào câu hỏi').selectOption('events');
    await vaccineGroup.getByRole('button', { name: 'Thêm vào', exact: true }).click();
    await page.getByText(`Đã thêm “${vaccine}” vào events.`).waitFor();
    await vaccineGroup.waitFor({ state: 'detached' });
    await waitLive(page);
    const again = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'parent-vaccine-2', text: vaccine }) });
    expect((await again.json()).intent).toBe('events');

    // Ignored, undone, ignored again: asked once more, it does not come back.
    const booksGroup = page.locator(`[data-group="${books}"]`);
    await booksGroup.getByRole('button', { name: 'Bỏ qua' }).click();
    await booksGroup.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Hoàn tác' }).click();
    await page.getByText('Đã hoàn tác.').waitFor();
    await booksGroup.waitFor();
    await expectAccessible(page, 'unanswered after undo');
    await booksGroup.getByRole('button', { name: 'Bỏ qua' }).click();
    await booksGroup.waitFor({ state: 'detached' });
    await chat(server, 'parent-books-2', books);
    await page.reload();
    await page.getByTestId('unanswered-total').waitFor();
    expect(await page.locator(`[data-group="${books}"]`).count()).toBe(0);
    await context.close();
  }, 90_000);

  it('unanswered: an action can take some messages of a group and leave the others (desk)', async () => {
    const a = 'giá vàng hôm nay bao nhiêu';
    const b = 'giá vàng hôm nay bao nhiêu vậy';
    // A server of its own: what the tests above taught must not answer these.
    const own = await startServer();
    await chat(own, 'parent-cake-1', a);
    await chat(own, 'parent-cake-2', b);
    const { context, page } = await signedInAdmin(browser, own, 'desk');
    await page.goto(`${own.url}/admin/unanswered`);
    const group = page.locator('[data-group]', { hasText: 'giá vàng' });
    await group.getByText('Xem 2 tin nhắn').click();
    await group.getByRole('checkbox', { name: new RegExp(b) }).uncheck();
    await group.getByRole('button', { name: 'Bỏ qua' }).click();
    await page.getByText(/^✓?\s*Đã bỏ qua/).waitFor();
    await expect.poll(() => group.textContent()).toContain('1 lần');
    expect(await group.textContent()).toContain(b);
    await context.close();
    await own.close();
  }, 60_000);
});
