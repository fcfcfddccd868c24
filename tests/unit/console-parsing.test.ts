// The console's small parsers and rules: passwords, CSV, menu days, similarity, Botpress ids.
import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, verifyPassword } from '../../src/features/users/passwords.ts';
import { backoffMs } from '../../src/features/users/user-service.ts';
import { parseCsv } from '../../src/core/csv.ts';
import { dayOf } from '../../src/school/menu-csv.ts';
import { comparable, NEAR_DUPLICATE, similarity } from '../../src/features/faq/similarity.ts';
import { SAME_QUESTION } from '../../src/features/faq/unanswered-service.ts';
import { idFromBotpress } from '../../src/features/faq/intent-io.ts';

describe('passwords', () => {
  it('refuses short, common and username-based passwords', () => {
    expect(passwordProblem('abc123')).toBe('too_short');
    expect(passwordProblem('12345678')).toBe('common');
    expect(passwordProblem('MatKhau123')).toBe('common');
    expect(passwordProblem('aaaaaaaaaa')).toBe('common');
    expect(passwordProblem('cohoa2026', 'cohoa')).toBe('common');
    expect(passwordProblem('Sen-hong-12', 'cohoa')).toBeNull();
    expect(passwordProblem('mật khẩu dài')).toBeNull();
  });

  it('hashes with scrypt and a salt; verifies only the right password', async () => {
    const a = await hashPassword('Sen-hong-12');
    const b = await hashPassword('Sen-hong-12');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('Sen-hong-12', a)).toBe(true);
    expect(await verifyPassword('Sen-hong-13', a)).toBe(false);
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    // NFC and NFD spellings of a Vietnamese password are the same password.
    const vi = await hashPassword('mật khẩu dài'.normalize('NFD'));
    expect(await verifyPassword('mật khẩu dài'.normalize('NFC'), vi)).toBe(true);
  });

  it('slows a username down from the fifth failure: 30 s, doubling, at most 15 minutes', () => {
    expect([4, 5, 6, 7, 20].map(backoffMs)).toEqual([0, 30_000, 60_000, 120_000, 900_000]);
  });
});

describe('CSV', () => {
  it('keeps quoted commas, quotes and line breaks, with the line each row starts on', () => {
    expect(parseCsv('a,b\n"x, y","say ""hi""\nthere"\n\nz,w\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, y', 'say "hi"\nthere'] },
      { line: 5, cells: ['z', 'w'] },
    ]);
    expect(parseCsv('a;b\r\n1,5;2\r\n')).toEqual([{ line: 1, cells: ['a', 'b'] }, { line: 2, cells: ['1,5', '2'] }]);
    expect(parseCsv('a,b\n"open,1\n2,3')).toEqual({ line: 2 });
  });
});

describe('menu days', () => {
  it('reads Vietnamese and English day names', () => {
    expect(['Thứ 2', 'thu 2', 'T2', '2', 'Thứ Hai', 'mon', 'Monday'].map(dayOf)).toEqual(Array(7).fill('mon'));
    expect(['Thứ 5', 'thứ năm', 'thu', 'Thursday'].map(dayOf)).toEqual(Array(4).fill('thu'));
    expect(['Thứ 7', 'T7', 'sat'].map(dayOf)).toEqual(['sat', 'sat', 'sat']);
    expect(['Chủ nhật', 'CN', 'Thứ 8', ''].map(dayOf)).toEqual([null, null, null, null]);
  });
});

describe('similar questions', () => {
  it('sees spelling variants as one question and different questions as different', () => {
    const s = (a: string, b: string) => similarity(comparable(a), comparable(b));
    expect(s('lớp có camera không ạ', 'lop co camera ko')).toBeGreaterThanOrEqual(SAME_QUESTION);
    expect(s('học phí bao nhiêu', 'hoc phi bao nhieu a')).toBeGreaterThanOrEqual(NEAR_DUPLICATE);
    expect(s('lớp có camera không', 'giá vàng hôm nay')).toBeLessThan(0.3);
    expect(s('học phí bao nhiêu', 'tiền ăn bao nhiêu')).toBeLessThan(NEAR_DUPLICATE);
  });
});

describe('Botpress ids', () => {
  it('become intent ids', () => {
    expect(idFromBotpress('__qna__k2x9_gio_an_trua')).toBe('k2x9_gio_an_trua');
    expect(idFromBotpress('__qna__123-Giờ đón')).toBe('qna_123_gio_don');
  });
});
