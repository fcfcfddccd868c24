// Reports in the console, at a phone's size and a desk's: the comments created here are what the
// chart's label, its data table and its CSV say, row for row; a row opens the comments behind
// it; the commune's CSV has counts only; the page prints without the navigation.
import { expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { describeBrowser, expectAccessible, signedInAdmin, withServerAndBrowser, type Server, type ViewportName } from './harness.ts';

describeBrowser('console: reports', () => {
  let server: Server;
  let browser: Browser;
  withServerAndBrowser((s, b) => { server = s; browser = b; });

  let made = false;
  /** Three meals comments, one about a teacher (urgent), one about hygiene, all today; one answered. */
  async function makeComments() {
    if (made) return;
    made = true;
    const submit = (text: string) => server.loa.features.comments.submit({ text, anonymous: false, classId: 'la-a1', contactId: null, ref: null, displayName: null });
    const created = [
      await submit('Cơm hôm nay bị khê, các con không ăn được'),
      await submit('Canh hôm nay mặn quá, bữa ăn của các con không ngon'),
      await submit('Thức ăn bữa trưa bị nguội, các con ăn không được'),
      await submit('Cô giáo lớp Lá A1 tát con tôi'),
      await submit('Nhà vệ sinh của lớp bẩn, có mùi hôi'),
    ];
    expect(created.map((c) => c.category)).toEqual(['meals', 'meals', 'meals', 'teacher_conduct', 'hygiene']);
    expect(created[3].severity).toBe('urgent');
    await server.loa.store.comments.update(created[0].id, { firstResponseAt: new Date(Date.parse(created[0].createdAt) + 2 * 3_600_000).toISOString() }, created[0].createdAt);
  }

  /** The rows of a chart's data table: [label, ...values]. */
  const tableRows = (page: Page, chart: string) => page.getByTestId(`chart-${chart}`).locator('tbody tr').evaluateAll((rows) =>
    rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').trim())));

  for (const size of ['phone', 'desk'] as ViewportName[]) {
    it(`a week's chart, its table and its CSV agree with the comments made (${size})`, async () => {
      await makeComments();
      const { context, page } = await signedInAdmin(browser, server, size);
      await page.goto(`${server.url}/admin/reports?period=week&date=${server.today}`);
      await page.getByRole('heading', { level: 2, name: 'Phản ánh theo nhóm' }).waitFor();
      await page.getByTestId('canvas-category').waitFor();
      await expectAccessible(page, 'reports');

      const summary = page.getByTestId('report-summary');
      await expect.poll(() => summary.locator('tr', { hasText: 'Phản ánh' }).first().locator('td').textContent()).toBe('5');
      expect(await summary.locator('tr', { hasText: 'Khẩn' }).locator('td').textContent()).toBe('1');

      // The table: every category, the created counts.
      const rows = await tableRows(page, 'category');
      expect(rows).toEqual([
        ['Bữa ăn', '3'], ['An toàn, thương tích', '0'], ['Thái độ giáo viên', '1'], ['Vệ sinh', '1'],
        ['Cơ sở vật chất', '0'], ['Các khoản thu', '0'], ['Thông tin, liên lạc', '0'], ['Khác', '0'],
      ]);
      // The chart: drawn on the canvas from the same rows, as its text label says.
      const canvas = page.getByTestId('canvas-category');
      expect(await canvas.getAttribute('aria-label')).toBe('Biểu đồ Phản ánh theo nhóm: Bữa ăn 3, Thái độ giáo viên 1, Vệ sinh 1');
      expect(await canvas.evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let coloured = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i + 2] > 150 && d[i] < 60) coloured++; // the bars' blue
        return coloured;
      })).toBeGreaterThan(100);

      // The CSV behind the link: the same rows as the table.
      const href = await page.getByRole('link', { name: 'Tải CSV: Phản ánh theo nhóm' }).getAttribute('href');
      const csv = await page.evaluate(async (url) => (await fetch(url!)).text(), href);
      const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(lines[0]).toBe('Mã,Nhóm,Số phản ánh');
      expect(lines.slice(1).map((l) => { const cells = l.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/); return [cells[1].replace(/^"|"$/g, ''), cells[2]]; })).toEqual(rows);

      // Time to first answer: one answered after 2 hours.
      expect(await summary.locator('tr', { hasText: 'Trung vị' }).locator('td').textContent()).toBe('2 giờ');

      // The commune's version: counts, no texts.
      const communeHref = await page.getByTestId('commune-csv').getAttribute('href');
      const commune = await page.evaluate(async (url) => (await fetch(url!)).text(), communeHref);
      expect(commune.startsWith('Tóm tắt,')).toBe(true); // in Vietnamese (fetch's text() drops the BOM)
      expect(commune).toContain('\r\nmeals,Bữa ăn,3\r\n');
      expect(commune).not.toMatch(/khê|tát|PA-000/);

      // A bar opens the comments behind it: the first blue bar drawn is "Bữa ăn".
      const bar = await canvas.evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const blue = (x: number, y: number) => { const i = (y * c.width + x) * 4; return d[i + 3] > 0 && d[i + 2] > 150 && d[i] < 60; };
        for (let x = 0; x < c.width; x++) for (let y = 0; y < c.height; y++) {
          if (blue(x, y) && blue(x + 3, y + 3)) { const scale = c.width / c.clientWidth; return { x: (x + 3) / scale, y: (y + 3) / scale }; }
        }
        return null;
      });
      expect(bar).not.toBeNull();
      await canvas.scrollIntoViewIfNeeded();
      const box = (await canvas.boundingBox())!;
      await page.mouse.click(box.x + bar!.x, box.y + bar!.y);
      const behind = /^\/admin\/comments\?category=meals&from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/;
      await expect.poll(() => new URL(page.url()).pathname + new URL(page.url()).search).toMatch(behind);
      // And so does the table's row, for a keyboard or a screen reader.
      await page.goBack();
      await page.getByTestId('chart-category').getByRole('link', { name: 'Bữa ăn' }).click();
      await expect.poll(() => new URL(page.url()).pathname + new URL(page.url()).search).toMatch(behind);
      await context.close();
    }, 60_000);
  }

  it('switches to the month, prints without the navigation, and shows the urgent comment to click', async () => {
    await makeComments();
    const { context, page } = await signedInAdmin(browser, server, 'desk');
    await page.goto(`${server.url}/admin/reports?date=${server.today}`);
    await page.getByLabel('Kỳ báo cáo').selectOption('month');
    await expect.poll(() => page.getByTestId('report-range').textContent()).toContain(`Từ 01/${server.today.slice(5, 7)}/${server.today.slice(0, 4)}`);
    expect(await page.getByTestId('chart-comments_by_day').locator('tbody tr').count()).toBeGreaterThanOrEqual(28);
    await page.getByTestId('urgent-list').getByRole('link', { name: /^PA-/ }).waitFor();
    await expectAccessible(page, 'reports, month');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav.nav').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'In báo cáo' }).isVisible()).toBe(false);
    expect(await page.getByTestId('chart-category').locator('table').isVisible()).toBe(true);
    await context.close();
  }, 60_000);
});
