// Channels and alerts, and talking to a parent, in the console at a phone's size and a desk's.
// Messenger runs against a fake Graph server that refuses the page token once: the channel shows
// as paused with its reason, the failed message and the alert are listed; the admin resumes the
// channel and acknowledges the alert; the principal sees the same (the outbox included) without
// the resume button. A parent is found without diacritics, their conversation read and answered;
// a teacher of the parent's class who was not asked for a person is told why, her text kept.
import { beforeAll, afterAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { FakePlatform, eventually } from '../fakes/fake-platform.ts';
import * as fb from '../fakes/messenger-fixtures.ts';
import { CHAT_API_KEY } from '../helpers.ts';
import { describeBrowser, expectAccessible, newPage, newUser, setUp, signedInAdmin, withServerAndBrowser, type Server, type ViewportName } from './harness.ts';

const SEND = fb.SEND;

describeBrowser('console: channels, alerts and parents', () => {
  let graph: FakePlatform;
  beforeAll(async () => {
    graph = await fb.acceptingGraph();
  });
  afterAll(async () => { await graph.stop(); });
  let server: Server;
  let browser: Browser;
  withServerAndBrowser((s, b) => { server = s; browser = b; }, () => fb.messengerEnv(graph.url));

  let mid = 0;
  /** The fake Graph refuses the page token once: Loa pauses Messenger and raises an alert. */
  async function pauseMessenger() {
    const alertsBefore = (await server.loa.store.alerts.list({ open: true })).length;
    graph.queue(SEND, { status: 400, body: { error: { code: 190, message: 'Error validating access token' } } });
    expect((await fb.postWebhook(server.loa.app, fb.textMessage('7001', `m-pause-${++mid}`, 'học phí bao nhiêu', new Date().toISOString()))).status).toBe(200);
    await eventually(async () => server.loa.channels.messenger!.paused !== null && (await server.loa.store.alerts.list({ open: true })).length > alertsBefore, 10_000);
  }

  const webParent = async (user: string, text: string) => {
    const res = await fetch(`${server.url}/api/chat`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${CHAT_API_KEY}` }, body: JSON.stringify({ user, text }),
    });
    expect(res.status).toBe(200);
    return server.loa.store.contacts.findByRef({ channel: 'webchat', accountId: 'web', userId: user, threadId: user, threadType: 'user' });
  };

  for (const size of ['phone', 'desk'] as ViewportName[]) {
    it(`shows a paused channel, the failed message and the alert; the admin resumes and acknowledges (${size})`, async () => {
      await pauseMessenger();
      const { context, page } = await signedInAdmin(browser, server, size);
      await page.goto(`${server.url}/admin/channels`);
      const messenger = page.getByTestId('channel-messenger');
      await messenger.getByText('Đang tạm dừng: mã truy cập trang Facebook không hợp lệ hoặc đã hết hạn').waitFor();
      await page.getByTestId('failed-list').getByText('Mã truy cập không hợp lệ hoặc đã hết hạn').first().waitFor();
      await page.getByTestId('alert-list').getByText('Messenger: mã truy cập').first().waitFor();
      await expectAccessible(page, 'channels');

      await messenger.getByRole('button', { name: 'Bật lại Facebook Messenger' }).click();
      await page.getByText('Đã bật lại Facebook Messenger. Tin nhắn mới sẽ được gửi.').waitFor();
      await messenger.getByText('Đang hoạt động').waitFor();
      expect(server.loa.channels.messenger!.paused).toBeNull();

      // Each "Đã xem" takes its alert off the list (the list reloads after each).
      const acks = page.getByTestId('alert-list').getByRole('button', { name: 'Đã xem' });
      for (let open = await acks.count(); open > 0; open--) {
        await acks.first().click();
        await expect.poll(() => acks.count()).toBe(open - 1);
      }
      await page.getByText('Đã đánh dấu cảnh báo là đã xem.').waitFor();
      await page.getByTestId('no-alerts').waitFor();
      expect(await server.loa.store.alerts.list({ open: true })).toEqual([]);
      await context.close();
    }, 60_000);
  }

  it('shows the principal the outbox and the paused channel, without the resume button', async () => {
    await pauseMessenger();
    const { setupUrl } = await newUser(server, 'principal');
    const { context, page } = await newPage(browser, 'phone');
    await setUp(page, server, setupUrl);
    await page.goto(`${server.url}/admin/channels`);
    await page.getByTestId('channel-messenger').getByText('Nhờ quản trị viên sửa và bật lại kênh này.').waitFor();
    expect(await page.getByRole('button', { name: /Bật lại/ }).count()).toBe(0);
    await page.getByTestId('failed-list').waitFor();
    expect(await page.getByTestId('outbox-counts').textContent()).toMatch(/Không gửi được: [1-9]/);
    await expectAccessible(page, 'channels, principal');
    server.loa.channels.messenger!.resume();
    await context.close();
  }, 60_000);

  for (const size of ['phone', 'desk'] as ViewportName[]) {
    it(`finds a parent without diacritics, reads the conversation and answers (${size})`, async () => {
      const contact = (await webParent(`ngoc-anh-${size}`, 'học phí bao nhiêu'))!;
      await server.loa.store.contacts.touch(contact.ref, new Date().toISOString(), `Chị Ngọc Ánh ${size}`);
      const { context, page } = await signedInAdmin(browser, server, size);
      await page.goto(`${server.url}/admin/contacts`);
      await page.getByLabel('Tìm phụ huynh').fill(`ngoc anh ${size}`);
      await page.getByRole('button', { name: 'Tìm', exact: true }).click();
      await page.getByTestId('contact-list').getByRole('link', { name: `Chị Ngọc Ánh ${size}` }).waitFor();
      await expectAccessible(page, 'contacts');
      await page.getByTestId('contact-list').getByRole('link', { name: `Chị Ngọc Ánh ${size}` }).click();
      await page.getByRole('heading', { level: 1, name: `Chị Ngọc Ánh ${size}` }).waitFor();
      const conversation = page.getByTestId('conversation');
      await conversation.getByText('học phí bao nhiêu').waitFor();
      expect(await conversation.locator('.msg-bot').count()).toBeGreaterThan(0);
      await expectAccessible(page, 'conversation');
      await page.getByLabel('Nội dung tin nhắn').fill(`Chào chị, cô Hòa đây ạ (${size}).`);
      await page.getByRole('button', { name: 'Gửi', exact: true }).click();
      await page.getByText(/Đã gửi cho phụ huynh|đang chờ gửi/).first().waitFor();
      await conversation.locator('.msg-staff', { hasText: `Chào chị, cô Hòa đây ạ (${size}).` }).waitFor();
      expect(await page.getByLabel('Nội dung tin nhắn').inputValue()).toBe('');
      // On its way to the parent (the web chat's own tests follow it to the page).
      const [sent] = (await server.loa.store.outbox.list({ limit: 10_000 })).filter((m) => m.purpose === 'human' && m.message.type === 'text' && m.message.text.includes(`(${size})`));
      expect(sent).toBeDefined();
      await context.close();
    }, 60_000);
  }

  it('tells a teacher who was not asked for a person why she cannot write, and keeps her text; other classes stay hidden', async () => {
    for (const text of ['cho bé Na lớp Lá A1 nghỉ hôm nay', 'bé bị sốt', 'đúng']) await webParent('me-na', text);
    for (const text of ['cho bé Bin lớp Lá A2 nghỉ hôm nay', 'bé bị ho', 'đúng']) await webParent('bo-bin', text);
    const na = (await webParent('me-na', 'cảm ơn cô'))!;
    const bin = (await webParent('bo-bin', 'cảm ơn cô'))!;
    await server.loa.store.contacts.touch(na.ref, new Date().toISOString(), 'Mẹ bé Na');
    await server.loa.store.contacts.touch(bin.ref, new Date().toISOString(), 'Bố bé Bin');
    const { setupUrl } = await newUser(server, 'staff', ['la-a1']);
    const { context, page } = await newPage(browser, 'phone');
    await setUp(page, server, setupUrl);
    await page.goto(`${server.url}/admin/contacts`);
    const list = page.getByTestId('contact-list');
    await list.getByRole('link', { name: 'Mẹ bé Na' }).waitFor();
    expect(await list.getByRole('link', { name: 'Bố bé Bin' }).count()).toBe(0);
    // Her child and class under the name, so that two parents without a name differ.
    expect(await list.getByTestId('contact-family').first().textContent()).toBe('phụ huynh bé Na, Lá A1');
    await list.getByRole('link', { name: 'Mẹ bé Na' }).click();
    await page.getByTestId('conversation').getByText('bé bị sốt', { exact: true }).waitFor();
    const text = 'Cô chào chị, bé Na đỡ sốt chưa ạ?';
    await page.getByLabel('Nội dung tin nhắn').fill(text);
    await page.getByRole('button', { name: 'Gửi', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'chưa xin gặp người thật' }).waitFor();
    expect(await page.getByLabel('Nội dung tin nhắn').inputValue()).toBe(text);
    await expectAccessible(page, 'conversation, staff refused');
    await page.goto(`${server.url}/admin/contacts/${encodeURIComponent(bin.id)}`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByText('bé bị ho').count()).toBe(0);
    await context.close();
  }, 60_000);
});
