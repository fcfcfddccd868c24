// Turns what parents type into one canonical, diacritic-free form for the classifier:
// "Học phí tháng 11 hết bn tiền ạ" and "hoc phi thang 11 het bn tien a" become the same
// tokens. Stop words are kept on purpose: "bao nhieu", "khi nao", "khong" carry the intent.

/** Removes Vietnamese tone and vowel marks; đ becomes d. */
export function foldDiacritics(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

const VI_MARKED = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i;
export const hasVietnameseMarks = (text: string) => VI_MARKED.test(text.normalize('NFC'));

// Words that hint the money sense of "bn" (bao nhiêu) rather than "bạn".
const MONEY_CONTEXT = new Set(['tien', 'phi', 'hoc', 'hp', 'gia', 'dong', 'nop', 'thu', 'an', 'thang', 'het', 'mat', 'tuoi', 'ngay', 'lop', 'chau', 'be', 'con', 'gio', 'h']);
const ENROL_CONTEXT = new Set(['hoc', 'nhap', 'lop', 'ho', 'so', 'truong', 'cho', 'con', 'chau', 'be', 'tuyen', 'sinh', 'nhan']);
// "ck" is "chồng" (husband) next to family words, else "chuyển khoản" (bank transfer).
const FAMILY_CONTEXT = new Set(['vo', 'vk', 'chong', 'cua', 'em', 'e', 'toi', 'minh', 'mk', 'chi', 'c', 'co', 'anh', 'a', 'voi', 'bo', 'me', 'sap', 'nguoi']);

type Expander = (prev: string | undefined, next: string | undefined) => string;
const always = (s: string): Expander => () => s;

/** Curated abbreviations parents use, keyed by their folded form; some depend on context. */
const ABBREVIATIONS: Record<string, Expander> = {
  ko: always('khong'), k: always('khong'), kg: always('khong'), khg: always('khong'), hk: always('khong'),
  hok: always('khong'), hong: always('khong'), hem: always('khong'), kh: always('khong'), khonq: always('khong'),
  dc: always('duoc'), dcj: always('duoc'), dk: (p, n) => (ENROL_CONTEXT.has(n ?? '') || ENROL_CONTEXT.has(p ?? '') ? 'dang ky' : 'duoc'),
  dky: always('dang ky'), j: always('gi'), ji: always('gi'), ntn: always('nhu the nao'),
  mn: (p) => (p === 'truong' || p === 'mam' ? 'mam non' : 'moi nguoi'), mng: always('moi nguoi'),
  hp: always('hoc phi'), ib: always('nhan tin'), inbox: always('nhan tin'), sdt: always('so dien thoai'), sđt: always('so dien thoai'),
  dt: always('dien thoai'), dthoai: always('dien thoai'), bn: (p, n) => (MONEY_CONTEXT.has(p ?? '') || MONEY_CONTEXT.has(n ?? '') || n === undefined ? 'bao nhieu' : 'ban'),
  bnh: always('bao nhieu'), baonhieu: always('bao nhieu'), bh: always('bao gio'), bgio: always('bao gio'), bjo: always('bao gio'),
  vs: always('voi'), ns: always('noi'), r: always('roi'),
  ck: (p, n) => (FAMILY_CONTEXT.has(n ?? '') || FAMILY_CONTEXT.has(p ?? '') ? 'chong' : 'chuyen khoan'),
  stk: always('so tai khoan'), tk: always('tai khoan'), trg: always('truong'), truog: always('truong'),
  ms: always('moi'), cx: always('cung'), cg: always('cung'), ak: always('a'), ah: always('a'), uk: always('u'), uh: always('u'), um: always('u'),
  nhg: always('nhung'), dag: always('dang'), thui: always('thoi'), hic: always('hix'), kq: always('ket qua'), bv: always('benh vien'),
  dj: always('di'), vd: always('vi du'), ntin: always('nhan tin'), nhiu: always('nhieu'), nhju: always('nhieu'), lun: always('luon'),
  chs: always('chua'), hs: always('hoc sinh'), tb: always('thong bao'),
  thanhks: always('thanks'), thankiu: always('thanks'), thanksss: always('thanks'), camon: always('cam on'), kamon: always('cam on'),
  okela: always('ok'), okla: always('ok'), oki: always('ok'), okii: always('ok'), okey: always('ok'), okay: always('ok'),
  cko: always('cho'), ckau: always('chau'), ckj: always('chi'), dzay: always('vay'), zay: always('vay'), dza: always('vay'),
  bme: always('bo me'), ngta: always('nguoi ta'), tgian: always('thoi gian'), thgian: always('thoi gian'), hnao: always('hom nao'),
  bnhiu: always('bao nhieu'), bnhieu: always('bao nhieu'), wen: always('quen'), zui: always('vui'), dzui: always('vui'), oy: always('roi'),
  rui: always('roi'), nge: always('nghe'), kon: always('con'), hc: always('hoc'), thg: always('thang'), vsinh: always('ve sinh'),
  cmt: always('binh luan'), sn: always('sinh nhat'), dhoc: always('di hoc'), ctrinh: always('chuong trinh'), vk: always('vo'), mk: always('minh'), mik: always('minh'),
  z: always('vay'), v: always('vay'), trc: always('truoc'), nt: always('nhan tin'), hnay: always('hom nay'), hqua: always('hom qua'),
  hum: always('hom'), tg: always('thoi gian'), ktra: always('kiem tra'), gv: always('giao vien'), bgh: always('ban giam hieu'),
  ph: always('phu huynh'), cn: always('chu nhat'), lm: always('lam'),
  tks: always('thanks'), thks: always('thanks'), oke: always('ok'), okie: always('ok'),
  nc: always('nuoc'), ng: always('nguoi'), bik: always('biet'), bit: always('biet'), wa: always('qua'), ik: always('di'),
  e: always('em'), c: always('chi'), cj: always('chi'), b: always('ban'), h: (p) => (p && /^\d+$/.test(p) ? 'gio' : p === 'may' ? 'gio' : 'h'),
};

/** Telex typed without an IME: "hocj phis" -> "hoc phi" once folded. */
function repairTelex(token: string): string {
  return token
    .replace(/dd/g, 'd')
    .replace(/(aa|aw)/g, 'a').replace(/ee/g, 'e').replace(/(oo|ow)/g, 'o').replace(/uw/g, 'u').replace(/w$/, 'u')
    .replace(/([aeiouy][a-z]*?)[sfrxj]$/, '$1');
}

/**
 * Syllables typed without spaces ("hocphi", "tuyensinh", "thucdontuannay") as the known words they
 * are made of: the fewest pieces of two letters or more, the most even split among those.
 */
function splitRunTogether(token: string, vocab: ReadonlySet<string>): string[] | null {
  if (token.length < 5 || token.length > 20 || !/^[a-z]+$/.test(token)) return null; // a pasted link is no run of syllables
  let best: string[] | null = null;
  const evenness = (parts: string[]) => Math.min(...parts.map((p) => p.length));
  const consider = (parts: string[]) => {
    if (!best || parts.length < best.length || (parts.length === best.length && evenness(parts) > evenness(best))) best = parts;
  };
  for (let i = 2; i <= token.length - 2; i++) {
    const head = token.slice(0, i);
    if (!vocab.has(head)) continue;
    const tail = token.slice(i);
    if (vocab.has(tail)) consider([head, tail]);
    for (let j = 2; j <= tail.length - 2; j++) {
      if (vocab.has(tail.slice(0, j)) && vocab.has(tail.slice(j))) consider([head, tail.slice(0, j), tail.slice(j)]);
    }
  }
  return best;
}

export interface Normalised {
  /** Canonical tokens: folded, squeezed, abbreviations expanded, money/date placeholders. */
  tokens: string[];
  text: string;
  /** For each token, the word as written when it carried diacritics ("vâng"), else "". */
  marked: string[];
}

export interface NormaliseOptions {
  /** Words the classifier knows; lets the normaliser repair Telex and squeezed letters safely. */
  vocabulary?: ReadonlySet<string>;
}

const MONEY = /^\d+([.,]\d+)*(k|tr|trieu|ng|nghin|ngan|d|dong|vnd|cu|c)$/;
const DATE = /^\d{1,2}[/-]\d{1,2}([/-]\d{2,4})?$/;
const WEEKDAY_SHORT = /^t([2-7])$/;

// Emoji that carry a reply ("👍" after an answer is "ok"); other emoji are decoration and vanish.
const EMOJI_WORDS: [RegExp, string][] = [
  [/[\u{1F44D}\u{1F44C}\u{1F197}\u{2705}\u{2714}\u{1F44F}\u{1F91D}]/gu, ' ok '],
  // A gentle smile alone after an answer acknowledges it, as "ok" does (a grin stays decoration).
  [/[\u{1F60A}\u{1F642}\u{263A}]/gu, ' ok '],
  [/\u{1F64F}/gu, ' cam on '],
  [/[\u{2764}\u{2665}\u{1F970}\u{1F60D}\u{1F618}\u{1F495}\u{1F496}\u{1F497}\u{1F49E}\u{1F49B}\u{1F499}\u{1F49A}\u{1F49C}]/gu, ' _heart_ '],
  [/[\u{1F44E}]/gu, ' khong '],
];

const UNITS = new Set(['k', 'tr', 'trieu', 'nghin', 'ngan', 'dong', 'd', 'vnd']);

/** Abbreviations typed with their own marks: "hông" is "không"; "hồng" (a rose, a name) is not. */
const MARKED_ABBREVIATIONS = new Set(['hông', 'hổng']);

/**
 * Whether a word may be an abbreviation: typed without marks ("hong", "dc"), with only "đ" ("đc"),
 * or as a marked abbreviation. A word typed with its tone marks is the word itself.
 */
function typedAsAbbreviation(written: string, folded: string): boolean {
  return !written || written.replace(/đ/g, 'd') === folded || MARKED_ABBREVIATIONS.has(written);
}

export function normalise(input: string, options: NormaliseOptions = {}): Normalised {
  const vocab = options.vocabulary;
  let text = input.normalize('NFC').toLowerCase();
  if (/[\u{2600}-\u{27BF}\u{1F000}-\u{1FAFF}]/u.test(text)) for (const [re, word] of EMOJI_WORDS) text = text.replace(re, word);
  const folded = foldDiacritics(text);
  // Folding NFC text keeps every offset, so each folded word can be matched with how it was written.
  const aligned = folded.length === text.length;
  // Keep digits, letters and the separators inside dates and amounts; everything else splits.
  const raw: string[] = [];
  const written: string[] = [];
  for (const m of folded.matchAll(/[a-z0-9_/.,-]+/g)) {
    const lead = /^[.,/-]*/.exec(m[0])![0].length;
    const word = m[0].slice(lead).replace(/[.,/-]+$/, '');
    if (!word) continue;
    const start = m.index + lead;
    const prev = raw[raw.length - 1];
    if (UNITS.has(word) && prev !== undefined && /^\d+([.,]\d+)*$/.test(prev)) { raw[raw.length - 1] = prev + word; continue; } // "500 k"
    raw.push(word);
    const original = aligned ? text.slice(start, start + word.length) : word;
    written.push(original !== word ? original : '');
  }

  const out: string[] = [];
  const marked: string[] = [];
  const push = (tokens: string[], mark = '') => { for (const t of tokens) { out.push(t); marked.push(mark); } };
  for (let i = 0; i < raw.length; i++) {
    let token = raw[i];
    if (MONEY.test(token)) { push(['_money_']); continue; }
    if (DATE.test(token)) { push(['_date_']); continue; }
    if (/^\d+([.,]\d+)+$/.test(token)) { push(['_money_']); continue; } // 1.500.000
    const weekday = WEEKDAY_SHORT.exec(token);
    if (weekday) { push(['thu', weekday[1]]); continue; }
    if (/[.,/-]/.test(token)) { push(token.split(/[.,/-]+/).filter(Boolean)); continue; }

    token = token.replace(/([a-z])\1{2,}/g, '$1'); // khongggg -> khong
    if (vocab && !vocab.has(token)) {
      const single = token.replace(/([a-z])\1+/g, '$1');
      const telex = repairTelex(token);
      if (vocab.has(single)) token = single;
      else if (vocab.has(telex)) token = telex;
      else if (!ABBREVIATIONS[token]) {
        const words = splitRunTogether(token, vocab);
        if (words) { push(words); continue; }
      }
    }
    const expand = typedAsAbbreviation(written[i], token) ? ABBREVIATIONS[token] : undefined;
    if (expand) {
      push(expand(out[out.length - 1], raw[i + 1]).split(' '));
      continue;
    }
    push([token], token === raw[i] ? written[i] : '');
  }
  return { tokens: out, text: out.join(' '), marked };
}
