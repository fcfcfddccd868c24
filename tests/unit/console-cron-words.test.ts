// A repeating announcement's schedule in words, as the composer and the lists show it, and the
// three shapes the composer builds read back from their cron (any other cron is shown as it is).
import fs from 'node:fs';
import path from 'node:path';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { cronInWords, fromCron, toCron } from '../../web/src/screens/cron-words.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const texts = (lng: string) => JSON.parse(fs.readFileSync(path.join(root, 'locales', lng, 'console.json'), 'utf8'));
const i18n = i18next.createInstance();
void i18n.init({ lng: 'vi', resources: { vi: { translation: texts('vi') }, en: { translation: texts('en') } }, interpolation: { escapeValue: false }, initAsync: false });
const vi = i18n.getFixedT('vi') as (k: string, o?: Record<string, unknown>) => string;
const en = i18n.getFixedT('en') as (k: string, o?: Record<string, unknown>) => string;

describe('a schedule in words', () => {
  it('says the school\'s usual schedules in Vietnamese and English', () => {
    expect(cronInWords('0 18 * * 0', vi)).toBe('18:00 Chủ nhật hằng tuần');
    expect(cronInWords('0 18 * * 0', en)).toBe('18:00 every Sunday');
    expect(cronInWords('30 7 * * 1-5', vi)).toBe('07:30 Thứ Hai, Thứ Ba, Thứ Tư, Thứ Năm và Thứ Sáu hằng tuần');
    expect(cronInWords('0 7 * * 0,6', vi)).toBe('07:00 Thứ Bảy và Chủ nhật hằng tuần'); // Monday first, Sunday last
    expect(cronInWords('0 6 * * *', vi)).toBe('06:00 hằng ngày');
    expect(cronInWords('0 6 * * 0-6', en)).toBe('06:00 every day');
    expect(cronInWords('15 8 1 * *', vi)).toBe('08:15 ngày 1 hằng tháng');
    expect(cronInWords('*/5 * * * *', vi)).toBe('Lịch riêng: */5 * * * *');
    expect(cronInWords('0 18 * 12 0', en)).toBe('Custom schedule: 0 18 * 12 0');
  });

  it('builds the composer\'s schedules as cron and reads them back', () => {
    expect(toCron({ every: 'week', time: '18:00', days: [0] })).toBe('0 18 * * 0');
    expect(toCron({ every: 'week', time: '18:00', days: [] })).toBeNull();
    expect(toCron({ every: 'day', time: '7:5' })).toBeNull();
    expect(toCron({ every: 'month', time: '08:15', day: 32 })).toBeNull();
    for (const cron of ['0 18 * * 0', '30 7 * * 1,2,3,4,5', '0 6 * * *', '15 8 1 * *']) expect(toCron(fromCron(cron)!)).toBe(cron);
    expect(fromCron('0 18 * * 7')).toEqual({ every: 'week', time: '18:00', days: [0] });
    expect(fromCron('0 25 * * *')).toBeNull();
    // Any other schedule is kept as written (spacing aside); an incomplete one is not a schedule.
    expect(toCron({ every: 'custom', cron: ' */15  7-17 * * 1-5 ' })).toBe('*/15 7-17 * * 1-5');
    expect(toCron({ every: 'custom', cron: '0 18 * *' })).toBeNull();
  });
});
