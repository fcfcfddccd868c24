// The comments search folds every comment it reads with a table; it must fold exactly as the slow,
// obvious way does (NFD without marks, đ as d, lower case), whatever the script.
import { describe, expect, it } from 'vitest';
import { foldForSearch } from '../../src/store/sqlite/comment-repositories.ts';

const slowly = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();

describe('foldForSearch', () => {
  it('folds as the slow way does', () => {
    const samples = ['Học phí THÁNG này tăng mà không báo trước', 'ĐƯỜNG đi', 'nhà bếp 👍', 'PA-0042', 'e\u0301 decomposed',
      'Ærø ß İstanbul', 'Привет', '你好 trường', 'Ỷ Ỹ ỹ ữ ự'];
    for (const s of samples) expect(foldForSearch(s), s).toBe(slowly(s));
    for (let code = 0; code < 0x2000; code++) expect(foldForSearch(String.fromCharCode(code))).toBe(slowly(String.fromCharCode(code)));
    expect(foldForSearch(null)).toBe('');
  });
});
