// Announcements in the console, at a phone's size and a desk's, against a fake Messenger Graph
// server: staff compose one to their class and see the recipients before submitting; the principal
// approves it (the buttons at hand at the bottom of the screen), the progress bar reaches 100 %
// and the recipients table shows each parent once; a rejected one shows the staff its reason, and
// the principal then sees what changed. Groups: members, a roster with its unmatched rows.
import { expect, it, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { FakePlatform } from '../fakes/fake-platform.ts';
import * as fb from '../fakes/messenger-fixtures.ts';
import { describeBrowser, expectAccessible, newPage, newUser, setUp, withServerAndBrowser, type Server, type ViewportName } from './harness.ts';

const SEND = fb.SEND;
// Each size writes to a class of its own, so that the counts are that test's parents only.
const CLASS: Record<ViewportName, { id: string; name: string }> = { phone: { id: 'la-a1', name: 'Lá A1' }, desk: { id: 'choi-b1', name: 'Chồi B1' } };

describeBrowser('console: announcements', () => {
  let server: Server;
  let browser: Browser;
  let graph: FakePlatform;
  beforeAll(async () => {
    graph = await fb.acceptingGraph();
    graph.delayMs = 150; // a platform that takes its time: the bar moves while the page watches
  });
  withServerAndBrowser((s, b) => { server = s; browser = b; }, () => ({ ...fb.messengerEnv(graph.url), BROADCAST_RATE_MESSENGER: '0' }));
  beforeAll(async () => { await server.loa.features.dispatcher.start(); });
  afterAll(async () => { await graph?.stop(); });

  /** Parents who wrote on Messenger a minute ago and follow the class. */
  async function parents(size: ViewportName, n: number): Promise<string[]> {
    const { store } = server.loa;
    const names: string[] = [];
    for (let i = 1; i <= n; i++) {
      const id = `psid-${size}-${i}`;
      const at = new Date(server.now().getTime() - 60_000).toISOString();
      const c = await store.contacts.touch({ channel: 'messenger', accountId: fb.PAGE_ID, userId: id, threadId: id, threadType: 'user' }, at, `Mẹ bé ${size} ${i}`);
      await store.subscriptions.subscribe(c.id, CLASS[size].id, 'chat', 'messenger', at);
      names.push(c.displayName!);
    }
    await store.flush();
    return names;
  }

  async function signedIn(size: ViewportName, role: string, classIds: string[] = []): Promise<Page> {
    const { setupUrl } = await newUser(server, role, classIds);
    const { page } = await newPage(browser, size);
    await setUp(page, server, setupUrl);
    return page;
  }

  /** The element is on screen without scrolling (the sticky bar keeps approve and reject at hand). */
  async function inView(page: Page, name: string): Promise<void> {
    const box = await page.getByRole('button', { name, exact: true }).boundingBox();
    const viewport = page.viewportSize()!;
    expect(box, name).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
  }

  for (const size of ['phone', 'desk'] as ViewportName[]) {
    it(`staff compose to one class and submit; the principal approves; the bar reaches 100 % (${size})`, async () => {
      const cls = CLASS[size];
      const names = await parents(size, 3);
      const staff = await signedIn(size, 'staff', [cls.id]);
      await staff.goto(`${server.url}/admin/announcements`);
      await staff.getByRole('heading', { level: 1, name: 'Thông báo' }).waitFor();
      await expectAccessible(staff, 'announcements list');
      // In English too, one click away.
      await staff.getByRole('button', { name: 'English' }).click();
      await staff.getByRole('heading', { level: 1, name: 'Announcements' }).waitFor();
      await staff.getByRole('link', { name: /^Waiting for approval \(\d+\)$/ }).waitFor();
      await expectAccessible(staff, 'announcements list in English');
      await staff.getByRole('button', { name: 'Tiếng Việt' }).click();
      await staff.getByRole('heading', { level: 1, name: 'Thông báo' }).waitFor();
      await staff.getByRole('link', { name: 'Soạn thông báo' }).click();
      await staff.getByRole('heading', { level: 1, name: 'Soạn thông báo' }).waitFor();
      // Only her class is offered.
      expect(await staff.getByRole('checkbox', { name: 'Lá A2' }).count()).toBe(0);
      await staff.getByLabel('Tiêu đề').fill(`Họp phụ huynh ${size}`);
      const vi = staff.getByLabel('Tiếng Việt', { exact: true });
      await vi.fill('Kính mời phụ huynh lớp ');
      await staff.getByRole('button', { name: 'Chèn {class} · tên lớp' }).click();
      await vi.press('End');
      await vi.pressSequentially(' họp lúc 16:30 thứ Sáu.');
      expect(await vi.inputValue()).toBe('Kính mời phụ huynh lớp {class} họp lúc 16:30 thứ Sáu.');
      await staff.getByRole('checkbox', { name: cls.name }).check();
      // The recipients per channel, before submitting.
      const recipients = staff.getByTestId('recipients');
      await recipients.getByText('3 người nhận').waitFor();
      await recipients.getByText('Messenger: 3').waitFor();
      // As a parent sees it, with the class filled in.
      await staff.getByRole('figure', { name: 'Trên Zalo' }).getByText(`Kính mời phụ huynh lớp ${cls.name} họp lúc 16:30 thứ Sáu.`).waitFor();
      await staff.getByRole('figure', { name: 'Trên Messenger' }).getByText(`Kính mời phụ huynh lớp ${cls.name} họp lúc 16:30 thứ Sáu.`).waitFor();
      // A repeating schedule is said in words, with its next three sends at the school.
      await staff.getByRole('radio', { name: 'Lặp lại' }).check();
      await staff.getByLabel('Vào lúc (giờ Việt Nam)').fill('18:00');
      const schedule = staff.getByTestId('schedule');
      await schedule.getByText('18:00 Chủ nhật hằng tuần').waitFor();
      await expect.poll(() => schedule.getByRole('listitem').count()).toBe(3);
      const first = await schedule.getByRole('listitem').first().textContent();
      expect(first).toMatch(/Chủ nhật/);
      expect(first).toContain('18:00');
      await expectAccessible(staff, 'composer');
      await staff.getByRole('radio', { name: 'Ngay khi được duyệt' }).check();
      await staff.getByRole('button', { name: 'Gửi duyệt' }).click();
      await staff.getByText('Đã gửi để hiệu trưởng duyệt.').waitFor();
      await staff.locator('.meta .status', { hasText: 'Chờ duyệt' }).waitFor();
      const id = staff.url().match(/announcements\/(\d+)/)![1];
      // Staff never get the decision.
      expect(await staff.getByRole('button', { name: 'Duyệt và gửi' }).count()).toBe(0);
      expect(await staff.getByRole('button', { name: 'Từ chối' }).count()).toBe(0);
      await expectAccessible(staff, 'submitted announcement');

      const principal = await signedIn(size, 'principal');
      await principal.goto(`${server.url}/admin/announcements?status=pending_approval`);
      await principal.getByRole('link', { name: `Họp phụ huynh ${size}` }).click();
      await principal.getByTestId('changes').getByText('Lần đầu bạn xem thông báo này.').waitFor();
      await principal.getByTestId('recipients').getByText(/3 người nhận/).waitFor();
      await inView(principal, 'Duyệt và gửi');
      await inView(principal, 'Từ chối');
      await expectAccessible(principal, 'approval');
      const before = graph.to(SEND).length;
      // Meta refuses one of the three (the person cannot receive messages).
      graph.queue(SEND, { status: 400, body: { error: { code: 551, message: 'This person isn\'t available right now.' } } });
      await principal.getByRole('button', { name: 'Duyệt và gửi' }).click();
      await principal.getByText('Đã duyệt. Thông báo sẽ được gửi theo lịch.').waitFor();
      const bar = principal.getByRole('progressbar');
      await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 15_000 }).toBe('100');
      await principal.getByTestId('progress-text').getByText('100 %').waitFor();
      await principal.locator('.meta .status', { hasText: 'Đã gửi' }).waitFor();
      // Each parent once in the table, with the platform's reason for the one refused.
      const rows = principal.getByTestId('recipients-table').locator('tbody tr');
      const table = () => rows.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
      await expect.poll(async () => (await table()).map((r) => r[2]).sort()).toEqual(['Lỗi', 'Đã gửi', 'Đã gửi']);
      expect((await table()).map((r) => r[0]).sort()).toEqual([...names].sort());
      expect((await table()).find((r) => r[2] === 'Lỗi')![3]).toBe('Người nhận không nhận được tin (đã chặn hoặc rời trang)');
      expect(await principal.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
      await expectAccessible(principal, 'sent with a failure');
      // Sent again at her word: the failed one only.
      await principal.getByRole('button', { name: 'Gửi lại 1 tin lỗi' }).click();
      await expect.poll(async () => (await table()).map((r) => r[2]), { timeout: 15_000 }).toEqual(['Đã gửi', 'Đã gửi', 'Đã gửi']);
      expect(await rows.count()).toBe(3);
      const sent = graph.to(SEND).slice(before).map((r) => r.body);
      expect(sent).toHaveLength(4); // three, and the refused one again
      expect([...new Set(sent.map((b) => b.recipient.id))].sort()).toEqual([1, 2, 3].map((i) => `psid-${size}-${i}`));
      expect(sent[0].message.text).toBe(`Kính mời phụ huynh lớp ${cls.name} họp lúc 16:30 thứ Sáu.`);
      await expectAccessible(principal, 'sent announcement');
      expect(await server.loa.store.broadcasts.get(Number(id))).toMatchObject({ status: 'sent' });
      await principal.context().close();
      await staff.context().close();
    }, 90_000);

    it(`a rejected announcement shows the staff its reason; the principal sees what changed (${size})`, async () => {
      const cls = CLASS[size];
      const staff = await signedIn(size, 'staff', [cls.id]);
      // Written through the API in her session, as the composer would.
      const id = await staff.evaluate(async (group) => {
        const res = await fetch('/api/admin/broadcasts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Nghỉ lễ', text: { vi: 'Lớp nghỉ ngày 20/11.' }, audience: { groups: [group] } }) });
        const { id } = await res.json();
        await fetch(`/api/admin/broadcasts/${id}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        return id as number;
      }, cls.id);
      const principal = await signedIn(size, 'principal');
      await principal.goto(`${server.url}/admin/announcements/${id}`);
      await principal.getByRole('button', { name: 'Từ chối' }).click();
      // A reason is needed; without it nothing is sent.
      await principal.getByRole('button', { name: 'Từ chối thông báo' }).click();
      await principal.getByText('Hãy ghi lý do để người soạn sửa.').waitFor();
      await expectAccessible(principal, 'reject form');
      await principal.getByLabel('Lý do từ chối (người soạn sẽ đọc)').fill('Ngày 20/11 trường vẫn học, hãy sửa thành 21/11.');
      await principal.getByRole('button', { name: 'Từ chối thông báo' }).click();
      await principal.getByText('Đã từ chối và gửi lý do cho người soạn.').waitFor();

      await staff.goto(`${server.url}/admin/announcements?status=rejected`);
      await staff.getByText('Ngày 20/11 trường vẫn học, hãy sửa thành 21/11.').waitFor();
      await staff.getByRole('link', { name: 'Nghỉ lễ' }).click();
      await staff.getByTestId('reject-reason').getByText('Ngày 20/11 trường vẫn học, hãy sửa thành 21/11.').waitFor();
      await expectAccessible(staff, 'rejected announcement');
      await staff.getByLabel('Tiếng Việt', { exact: true }).fill('Lớp nghỉ ngày 21/11.');
      await staff.getByRole('button', { name: 'Gửi duyệt' }).click();
      await staff.getByText('Đã gửi để hiệu trưởng duyệt.').waitFor();

      await principal.reload();
      const changes = principal.getByTestId('changes');
      await changes.getByRole('heading', { name: /Đã thay đổi từ lần bạn xem lúc/ }).waitFor();
      await changes.getByText('Lớp nghỉ ngày 20/11.').waitFor();
      await changes.getByText('Lớp nghỉ ngày 21/11.').waitFor();
      await inView(principal, 'Duyệt và gửi');
      await expectAccessible(principal, 'what changed');
      await principal.context().close();
      await staff.context().close();

      // A viewer (the commune) reads the list and the announcement, and can do nothing to it.
      const viewer = await signedIn(size, 'viewer');
      await viewer.goto(`${server.url}/admin/announcements`);
      await viewer.getByRole('heading', { level: 1, name: 'Thông báo' }).waitFor();
      expect(await viewer.getByRole('link', { name: 'Soạn thông báo' }).count()).toBe(0);
      await viewer.getByRole('link', { name: 'Nghỉ lễ' }).first().click();
      await viewer.locator('.meta .status', { hasText: 'Chờ duyệt' }).waitFor();
      expect(await viewer.getByRole('button').filter({ hasText: /Duyệt|Từ chối|Hủy|Gửi/ }).count()).toBe(0);
      await expectAccessible(viewer, 'announcement as a viewer');
      await viewer.context().close();
    }, 90_000);

    it(`groups: members and how they joined, a roster with its unmatched rows, adding a parent, class Zalo groups (${size})`, async () => {
      const cls = CLASS[size];
      await parents(size, 0);
      const at = server.now().toISOString();
      await server.loa.store.contacts.touch({ channel: 'messenger', accountId: fb.PAGE_ID, userId: `roster-${size}`, threadId: `roster-${size}`, threadType: 'user' }, at, `Bố bé An ${size}`);
      await server.loa.store.flush();
      const staff = await signedIn(size, 'staff', [cls.id]);
      await staff.goto(`${server.url}/admin/groups`);
      await staff.getByRole('heading', { level: 1, name: 'Nhóm và người nhận' }).waitFor();
      await staff.getByRole('heading', { name: `Thành viên: ${cls.name}` }).waitFor();
      await expectAccessible(staff, 'groups');
      await staff.getByText('Nhập danh sách lớp (CSV)').click();
      await staff.getByLabel('Hoặc dán nội dung CSV').fill(`parent_name,child_name\nBố bé An ${size},An\nNgười chưa nhắn ${size},Bình\n`);
      await staff.getByRole('button', { name: 'Nhập danh sách' }).click();
      const result = staff.getByTestId('roster-result');
      await result.getByText('2 dòng: 1 phụ huynh đã được thêm, 1 dòng chưa ghép được.').waitFor();
      await result.getByRole('row', { name: new RegExp(`Người chưa nhắn ${size}.*Phụ huynh chưa nhắn tin với Loa`) }).waitFor();
      await staff.getByTestId('members').getByRole('row', { name: new RegExp(`Bố bé An ${size}.*Nhập từ danh sách lớp`) }).waitFor();
      await expectAccessible(staff, 'roster imported');
      await staff.context().close();

      // The principal adds a parent by hand and maps the class's Zalo group.
      await server.loa.store.contacts.touch({ channel: 'messenger', accountId: fb.PAGE_ID, userId: `by-hand-${size}`, threadId: `by-hand-${size}`, threadType: 'user' }, at, `Bà ngoại bé Chi ${size}`);
      await server.loa.channels.zaloGroups.upsertDiscovered([{ id: `zg-${size}`, name: `Phụ huynh ${cls.name} (${size})`, memberCount: 25 }], at);
      await server.loa.store.flush();
      const principal = await signedIn(size, 'principal');
      await principal.goto(`${server.url}/admin/groups`);
      await principal.getByRole('link', { name: cls.name, exact: true }).click();
      await principal.getByRole('heading', { name: `Thành viên: ${cls.name}` }).waitFor();
      await principal.getByText('Thêm phụ huynh vào nhóm').click();
      await principal.getByLabel('Tên phụ huynh').fill(`ba ngoai be chi ${size}`); // without diacritics
      await principal.getByRole('button', { name: 'Tìm', exact: true }).click();
      await principal.getByRole('button', { name: new RegExp(`^Thêm[: ]+Bà ngoại bé Chi ${size}$`) }).click();
      await principal.getByText(`Đã thêm Bà ngoại bé Chi ${size} vào ${cls.name}.`).waitFor();
      await principal.getByTestId('members').getByRole('row', { name: new RegExp(`Bà ngoại bé Chi ${size}.*Nhà trường thêm`) }).waitFor();
      await principal.getByLabel(`Lớp của nhóm Phụ huynh ${cls.name} (${size})`).selectOption(cls.id);
      await principal.getByText(`Đã gắn nhóm Phụ huynh ${cls.name} (${size}) với lớp ${cls.name}.`).waitFor();
      expect((await server.loa.channels.zaloGroups.list()).find((g) => g.id === `zg-${size}`)?.classId).toBe(cls.id);
      await expectAccessible(principal, 'groups as the principal');
      await principal.context().close();
    }, 60_000);
  }
});
