import { describe, expect, it } from 'vitest';
import { foldDiacritics, normalise } from '../../src/nlu/normalise.ts';
import { detectLanguage, languageSwitchRequest } from '../../src/nlu/language.ts';

const n = (text: string, vocab?: string[]) => normalise(text, vocab ? { vocabulary: new Set(vocab) } : {}).text;

describe('normaliser', () => {
  it('folds diacritics, đ included, after NFC (decomposed input too)', () => {
    expect(foldDiacritics('Đón trẻ lúc mấy giờ')).toBe('Don tre luc may gio');
    expect(n('Học phí'.normalize('NFD'))).toBe('hoc phi');
  });

  it('gives the same tokens with or without diacritics', () => {
    expect(n('Học phí tháng 11 hết bn tiền ạ')).toBe(n('hoc phi thang 11 het bn tien a'));
  });

  it('keeps the words that carry the intent', () => {
    expect(n('khi nào nghỉ tết, có được không')).toBe('khi nao nghi tet co duoc khong');
  });

  it('squeezes repeated letters', () => {
    expect(n('khongggg')).toBe('khong');
    expect(n('đc khônggg cô ơiiii')).toBe('duoc khong co oi');
  });

  it('expands the abbreviations parents use', () => {
    expect(n('ko')).toBe('khong');
    expect(n('co hoc k')).toBe('co hoc khong');
    expect(n('dc ko')).toBe('duoc khong');
    expect(n('đc')).toBe('duoc');
    expect(n('lam j')).toBe('lam gi');
    expect(n('ntn')).toBe('nhu the nao');
    expect(n('hp')).toBe('hoc phi');
    expect(n('ib cho co')).toBe('nhan tin cho co');
    expect(n('sdt truong')).toBe('so dien thoai truong');
    expect(n('t2 co hoc ko')).toBe('thu 2 co hoc khong');
    expect(n('t7')).toBe('thu 7');
    expect(n('cn nghi')).toBe('chu nhat nghi');
  });

  it('reads "bn" as "bao nhiêu" near money words and as "bạn" otherwise', () => {
    expect(n('hoc phi bn')).toBe('hoc phi bao nhieu');
    expect(n('het bn tien')).toBe('het bao nhieu tien');
    expect(n('bn oi cho hoi')).toBe('ban oi cho hoi');
  });

  it('reads "mn" by context', () => {
    expect(n('truong mn')).toBe('truong mam non');
    expect(n('chao mn')).toBe('chao moi nguoi');
  });

  it('replaces amounts and dates with tokens', () => {
    expect(n('nộp 500k hay 2tr ạ')).toBe('nop _money_ hay _money_ a');
    expect(n('1.500.000 dong')).toBe('_money_');
    expect(n('đóng 1.500.000')).toBe('dong _money_');
    expect(n('hạn 15/9')).toBe('han _date_');
    expect(n('20-11-2026')).toBe('_date_');
  });

  it('repairs Telex leftovers into words the classifier knows', () => {
    expect(n('hocj phis', ['hoc', 'phi'])).toBe('hoc phi');
    expect(n('dduwowcj', ['duoc'])).toBe('duoc');
    // Unknown words are left alone rather than mangled.
    expect(n('class', ['hoc'])).toBe('class');
  });

  it('splits syllables typed without spaces into the known words they are made of', () => {
    const known = ['hoc', 'phi', 'tuyen', 'sinh', 'thang', 'nay', 'tu', 'ye'];
    expect(n('hocphi thang nay', known)).toBe('hoc phi thang nay');
    expect(n('tuyensinh', known)).toBe('tuyen sinh');
    expect(n('hocphithang', known)).toBe('hoc phi thang');
    // Not when a piece is unknown, nor for abbreviations.
    expect(n('hocphiz', known)).toBe('hocphiz');
    expect(n('bnhieu', known)).toBe('bao nhieu');
  });

  it('never throws on empty, emoji or noise', () => {
    expect(n('')).toBe('');
    expect(n('😀😀')).toBe('');
    // A smile alone acknowledges, as 👍 does.
    expect(n('😊')).toBe('ok');
    expect(normalise('%$#'.repeat(700)).tokens).toEqual([]);
  });
});

describe('language detection', () => {
  it('knows Vietnamese with and without diacritics', () => {
    expect(detectLanguage('Học phí bao nhiêu').locale).toBe('vi');
    expect(detectLanguage('hoc phi thang nay bao nhieu').locale).toBe('vi');
    expect(detectLanguage('chau om cho chau o nha nhe co').locale).toBe('vi');
  });

  it('knows English', () => {
    expect(detectLanguage("What's on the menu tomorrow?").locale).toBe('en');
    expect(detectLanguage('hello').locale).toBe('en');
    expect(detectLanguage('how much are the fees').locale).toBe('en');
  });

  it('says nothing for short or ambiguous text', () => {
    expect(detectLanguage('ok').locale).toBeNull();
    expect(detectLanguage('20/11').locale).toBeNull();
    expect(detectLanguage('😀').locale).toBeNull();
  });

  it('hears a wish to switch language', () => {
    expect(languageSwitchRequest('English please')).toBe('en');
    expect(languageSwitchRequest('tiếng anh đi')).toBe('en');
    expect(languageSwitchRequest('Tiếng Việt')).toBe('vi');
    expect(languageSwitchRequest('con học tiếng anh ở trường có tốt không vậy cô ơi')).toBeNull();
  });
});
