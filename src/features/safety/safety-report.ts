// Recognises a report that a child is hurt, missing or in danger, in any message, before anything
// else reads it. Phrases are matched on diacritic-folded words, so "chảy máu" and "chay mau" read
// the same; where folding makes a word ambiguous ("cháy" fire / "chạy" run, "bỏng" burn / "bóng"
// ball, "lạc" lost / "lác"), a word typed with its marks must carry the right ones. Recall comes
// first: a false alarm costs a teacher a minute, a missed report can cost a child.
import { foldDiacritics } from '../../nlu/normalise.ts';

/** In the order a report is named when it says several things ("đánh con chảy máu" is violence). */
export const SAFETY_KINDS = ['sexual_abuse', 'violence', 'missing', 'fire', 'poisoning', 'injury', 'danger'] as const;
export type SafetyKind = (typeof SAFETY_KINDS)[number];

interface Word {
  /** "!tát" in a phrase: only this spelling, marks included ("tat" may be "tắt", "tất"). */
  strict?: boolean;
  folded: string;
  /** The word as written (NFC, lower case), to tell apart words that fold alike. */
  marked: string;
  hasMarks: boolean;
}

/** Words whose folded form means several things: a marked spelling must match exactly. */
const AMBIGUOUS = new Set(['chay', 'bong', 'lac', 'nga', 'bam', 'tim', 'mat', 'cao', 'can', 'day', 'xo', 'ngat', 'sac', 'hoc', 'no', 'khoi',
  'lua', 'bo', 'tu', 'dam', 'tat', 'keo', 'nhot', 'danh', 'vet', 'u', 'rach', 'dap', 'bat', 'ngo', 'doc', 'nuot', 'la', 'cuu', 'quen', 'sung', 'gay', 'tro', 'ho', 'kin', 'luc']);

/** "k", "ko", "hok": parents' ways of typing "không". */
const KHONG = new Set(['k', 'ko', 'kg', 'kh', 'khg', 'hok', 'hk', 'khong']);

function wordsOf(text: string): Word[] {
  return text.normalize('NFC').toLowerCase().split(/[^\p{L}\p{N}!]+/u).filter(Boolean).map((token) => {
    const strict = token.startsWith('!');
    const marked = token.replace(/!/g, '');
    const folded = foldDiacritics(marked);
    return { folded: KHONG.has(folded) ? 'khong' : folded, marked, hasMarks: folded !== marked, strict };
  }).filter((w) => w.marked);
}

/** A phrase of words written with their marks; "*" matches any one word, "?x" makes x optional. */
type Phrase = { words: Word[]; text: string };
const phrase = (text: string): Phrase => ({ words: wordsOf(text.replace(/[*?]/g, (c) => (c === '*' ? ' xstarx ' : ' xoptx '))), text });

function wordMatches(w: Word, p: Word): boolean {
  if (p.folded === 'xstarx') return true;
  if (p.strict) return w.marked === p.marked;
  if (w.folded !== p.folded) return false;
  return !(w.hasMarks && p.hasMarks && AMBIGUOUS.has(p.folded)) || w.marked === p.marked;
}

/** Where the phrase starts in the message's words, or -1. */
function findPhrase(words: Word[], p: Phrase): number {
  const ws = p.words;
  outer: for (let i = 0; i < words.length; i++) {
    let j = i;
    for (let k = 0; k < ws.length; k++) {
      if (ws[k].folded === 'xoptx') {
        // The next pattern word may be absent.
        const next = ws[k + 1];
        if (next && j < words.length && wordMatches(words[j], next)) j++;
        k++;
        continue;
      }
      if (j >= words.length || !wordMatches(words[j], ws[k])) continue outer;
      j++;
    }
    return i;
  }
  return -1;
}

// Each kind's phrases say so on their own.
const STRONG: Record<SafetyKind, Phrase[]> = {
  violence: [
    'bạo hành', 'ngược đãi', 'hành hạ', 'đánh đập', 'đối xử thô bạo', 'thô bạo với', 'bóp cổ', 'bóp miệng', 'bịt miệng', 'kéo tai', 'véo tai', 'nhéo tai',
    'bạt tai', 'tát vào', 'tát con', 'tát cháu', 'tát bé', 'tát các', 'bị tát', 'bị đánh', 'bị đấm', 'bị đá vào', 'bị véo', 'bị nhéo', 'bị cấu', 'bị trói', 'bị nhốt',
    'bị xô ngã', 'bị đẩy ngã', 'xô ngã', 'đẩy ngã', 'bị cắn', 'bị cào', 'dọa đánh', 'doạ đánh', 'bị phạt quỳ', 'bắt quỳ', 'bị đánh vào', 'bị vụt', 'bị quất',
    'bị ném', 'bị giật tóc', 'giật tóc', 'kéo tóc', 'túm tóc', '!tát', 'giáo tát', 'cô tát', 'bảo mẫu tát', 'ăn tát', 'vết tát', 'bắt ngậm', 'ngậm ớt', 'bị nhét', 'nhét vào tủ', 'pushed him', 'pushed her', 'pushed down', 'slaps', 'hits him', 'hits her', 'giữ chặt tay', 'bóp tay', 'bỏ đói', 'bị phạt nhịn', 'got kicked', 'kicked by', 'hit by the teacher', 'mạnh tay với', 'nhốt con', 'nhốt cháu', 'nhốt bé', 'trói con', 'trói cháu', 'trói bé', 'dí đầu', 'ấn đầu',
    'abused', 'abuse', 'slapped', 'was hit', 'got hit', 'been hit', 'hit my', 'hitting my', 'hits my', 'beat my', 'beaten', 'pinched', 'punched', 'kicked my',
    'was kicked', 'shoved', 'pushed my', 'was pushed', 'grabbed my', 'locked my', 'locked in', 'tied up', 'spanked', 'manhandled', 'rough with', 'roughly',
  ].map(phrase),
  injury: [
    'chảy máu', 'bị thương', 'gãy tay', 'gãy chân', 'gãy răng', 'gãy xương', 'trật khớp', 'bong gân', 'rách da', 'rách môi', 'rách trán', 'rách đầu', 'khâu * mũi', 'khâu vết',
    'bầm tím', 'vết bầm', 'bị bầm', 'thâm tím', 'tím bầm', 'bị bỏng', 'bỏng nước', 'bỏng nặng', 'bị phỏng', 'phỏng nước', 'bị ngã', 'té ngã', 'bị té', 'ngã từ', 'ngã cầu thang',
    'ngã đập', 'đập đầu', 'u đầu', 'sưng đầu', 'bươu đầu', 'bất tỉnh', 'ngất xỉu', 'bị ngất', 'co giật', 'bị hóc', 'hóc xương', 'hóc dị vật', 'hóc kẹo',
    'bị sặc', 'sặc sữa', 'đuối nước', 'ngạt thở', 'đi cấp cứu', 'bị kẹp tay', 'kẹp tay', 'kẹt tay', 'bị điện giật', 'điện giật', 'chó cắn', 'bị rắn', 'vết bỏng', 'vết khâu', 'đứt tay', 'bị đứt', 'máu chảy', 'va đập', 'bị va', 'sưng vù', 'sưng hết', 'sưng cả', 'sưng tấy', 'sưng mặt', 'sưng môi', 'sưng phồng', 'phồng rộp', 'bị đâm', 'đâm vào', 'đổ cháo nóng', 'nước nóng', 'vết thâm', 'say nắng', 'bị kẹt', 'trèo ra ban công', 'băng bó', 'bump on', 'a cut on', 'scratches', 'vết thương', 'vết tím', 'lịm đi', 'không tỉnh', 'gọi 115', 'xe cán', 'cán vào', 'bị xe', 'bị ngạt', 'không đi được',
    'bleeding', 'injured', 'injury', 'hurt', 'bruise', 'bruises', 'bruised', 'burned', 'burnt', 'scalded', 'broken arm', 'broken leg', 'broken bone', 'broke his', 'broke her',
    'fell off', 'fell down', 'had a fall', 'concussion', 'stitches', 'unconscious', 'fainted', 'passed out', 'choking', 'choked', 'seizure', 'ambulance',
    'drowning', 'electric shock', 'blood on', 'split open', 'bit my', 'bitten', 'dog bit',
  ].map(phrase),
  poisoning: [
    'ngộ độc', 'trúng độc', 'uống nhầm', 'ăn nhầm', 'nuốt phải', 'nuốt pin', 'nuốt đồ chơi', 'nuốt dị vật', 'nuốt nhầm', 'ăn phải', 'uống phải', 'thuốc diệt', 'thuốc chuột', 'hóa chất', 'thức ăn ôi thiu', 'ôi thiu',
    'poisoning', 'poisoned', 'swallowed', 'food poison',
  ].map(phrase),
  missing: [
    'bị lạc', 'lạc mất', 'đi lạc', 'mất tích', 'bắt cóc', 'không thấy con', 'không thấy cháu', 'không thấy bé', 'không tìm thấy con', 'không tìm thấy cháu', 'không tìm thấy bé',
    'không biết con đâu', 'không biết cháu đâu', 'không biết bé đâu', 'con * đâu mất', 'cháu * đâu mất', 'người lạ đón', 'người lạ bế', 'người lạ dắt', 'người lạ đưa', 'người lạ', 'lạ bế', 'biến mất', 'ngồi một mình', 'một mình ngoài', 'không ai trông', 'không có cô nào trông', 'không ai để ý', 'wrong stop', 'wandering alone', 'a stranger', 'stranger took', 'no one was watching', 'no teacher was watching', 'lạ đón', 'ra khỏi cổng', 'bỏ xuống sai', 'con lạc', 'cháu lạc', 'bé lạc', 'lạc ở', 'lạc đường', 'người đón không phải', 'khóa trái', 'bị khóa',
    'đón nhầm', 'trả nhầm', 'tự ra khỏi trường', 'tự đi ra ngoài', 'ra khỏi cổng một mình', 'bỏ quên con', 'bỏ quên cháu', 'bỏ quên bé', 'bỏ quên trên xe', 'để quên con', 'để quên cháu', 'để quên bé',
    'is missing', 'missing child', 'is lost', 'got lost', 'went missing', "can't find my", 'cannot find my', 'can not find my', 'kidnapped', 'abducted', 'taken by a stranger',
    'left alone', 'forgotten on the bus', 'wandered off',
  ].map(phrase),
  sexual_abuse: [
    'xâm hại', 'sàm sỡ', 'dâm ô', 'quấy rối', 'sờ mó', 'sờ vào vùng kín', 'sờ vùng kín', 'sờ chỗ kín', 'cởi quần con', 'cởi đồ con', 'hiếp dâm', 'hôn vào miệng', 'sờ soạng', 'cởi quần áo', 'kéo quần', 'phòng kín', 'lúc thay đồ', 'private photos', 'touched him', 'touched her', 'touched my', 'sờ vào người', 'sờ người',
    'sexual', 'sexually', 'molested', 'molest', 'inappropriately touched', 'touched inappropriately', 'private parts', 'groped', 'grooming',
  ].map(phrase),
  fire: [
    'hỏa hoạn', 'hoả hoạn', 'bốc cháy', 'cháy nổ', 'cháy lớn', 'đang cháy', 'bị cháy', 'cháy trường', 'cháy lớp', 'cháy bếp', 'cháy nhà', 'cháy phòng', 'khói đen',
    'nhiều khói', 'khói bốc', 'nổ bình', 'bình gas nổ', 'rò rỉ gas', 'rò gas', 'chập điện', 'chập cháy', 'tiếng nổ', 'nổ lớn', 'fire at', 'a fire', 'the fire', 'xì ga', 'xì gas', 'ga bị xì', 'gas bị xì', 'rò rỉ ga', 'rò ga',
    'on fire', 'is burning', 'caught fire', 'smoke everywhere', 'gas leak', 'explosion', 'exploded',
  ].map(phrase),
  danger: [
    'cứu với', 'cứu tôi', 'cứu con', 'cứu cháu', 'cứu bé', 'nguy hiểm đến tính mạng', 'nguy kịch',
    'help me please', 'please help my', 'in danger', 'life threatening',
  ].map(phrase),
};

// A violent act counts when someone did it to a child: the act, and a child or a carer in the message.
// Only words that fold to nothing harmless: "tát" folds like "tất" (all), "đấm" like "đám" (a crowd).
const VIOLENT_ACT = ['đánh', 'véo', 'nhéo', 'nhốt', 'hit', 'slap', 'punch', 'kick', 'pinch', 'beat', 'smack'].map(phrase);
const VICTIM_OR_ACTOR = ['con', 'cháu', 'bé', 'trẻ', 'các con', 'các cháu', 'học sinh', 'cô', 'cô giáo', 'giáo viên', 'bảo mẫu', 'bảo vệ', 'bạn',
  'child', 'son', 'daughter', 'kid', 'kids', 'boy', 'girl', 'teacher', 'nanny', 'staff'].map(phrase);
const ADULTS = ['cô', 'cô giáo', 'giáo viên', 'bảo mẫu', 'bảo vệ', 'cấp dưỡng', 'thầy', 'teacher', 'nanny', 'staff', 'carer', 'guard'].map(phrase);

// Set phrases that share a word with a safety phrase and mean something harmless. They are blanked
// out before matching.
const HARMLESS = [
  'đánh răng', 'đánh giá', 'đánh thức', 'đánh vần', 'đánh dấu', 'đánh số', 'đánh trống', 'đánh đàn', 'đánh máy', 'đánh bóng', 'đánh cờ', 'đánh chữ', 'đánh phấn',
  'đánh son', 'đánh bài', 'đánh cắp', 'đánh bại', 'drowning in', 'lạc mất tin', 'lạc giọng', 'on fire with', 'đánh cầu', 'đánh giày', 'đánh trứng', 'đánh rơi', 'đánh mất', 'đánh điện', 'đá bóng', 'đá banh', 'đá cầu', 'bóng đá', 'đá lạnh', 'nước đá',
  'bỏng ngô', 'cháy hàng', 'cháy vé', 'cháy túi', 'cháy nắng', 'cháy chợ', 'cơm cháy', 'bánh cháy', 'lạc đề', 'lạc quan', 'lạc rang', 'kẹo lạc', 'đậu lạc', 'hạt lạc',
  'diễn tập', 'phòng cháy', 'chữa cháy', 'pccc', 'fire drill', 'fire safety', 'fire extinguisher', 'hit song', 'a hit', 'had a blast', 'blast', 'kill time', 'bình chữa',
  'hurt feelings', 'no one was hurt', 'nobody was hurt', 'nobody got hurt', 'missing homework', 'missing item', 'lost and found', 'lost my', 'mất điện', 'mất nước',
  'danh sách', 'dành cho', 'để dành', 'dành dụm', 'danh hiệu', 'danh mục', 'danh bạ', 'điểm danh', 'danh tiếng', 'tranh giành', 'đánh tiếng',
  'giáo dục giới tính', 'kỹ năng phòng tránh', 'phòng tránh xâm hại', 'phòng chống xâm hại', 'bị ốm', 'ho sổ mũi',
].map(phrase);

// A question about what would happen, or a rule, is not a report.
const HYPOTHETICAL = ['nếu', 'lỡ', 'nhỡ', 'giả sử', 'phòng khi', 'trường hợp', 'quy trình', 'quy định', 'if', 'what if', 'in case', 'policy', 'procedure'].map(phrase);
// "không bị thương", "chưa chảy máu": a phrase right after a negation is not reported.
// ("didn't" splits into "didn" and "t".)
const NEGATIONS = new Set(['khong', 'chua', 'chang', 'cha', 'no', 'not', 'never', 'nobody', 't', 'didnt', 'wasnt', 'isnt']);

function blankHarmless(words: Word[]): Word[] {
  const out = words.slice();
  for (const p of HARMLESS) {
    let at = findPhrase(out, p);
    while (at >= 0) {
      for (let k = 0; k < p.words.length; k++) out[at + k] = { folded: '_', marked: '_', hasMarks: false };
      at = findPhrase(out, p);
    }
  }
  return out;
}

function negatedAt(words: Word[], at: number): boolean {
  return NEGATIONS.has(words[at - 1]?.folded ?? '') || NEGATIONS.has(words[at - 2]?.folded ?? '');
}

/** Whether an adult at school is named (violence by an adult is also a matter of conduct). */
export function namesAnAdult(text: string): boolean {
  const words = wordsOf(text.slice(0, 4000));
  return ADULTS.some((p) => findPhrase(words, p) >= 0);
}

export interface SafetyReport {
  kind: SafetyKind;
  /** The words that gave it away, for the staff's view of why Loa raised it. */
  evidence: string;
  /** Violence by a teacher or another adult at school (a matter of conduct, not only of safety). */
  byAdult: boolean;
}

/** What the phrase lists recognise: a report that a child is hurt, missing or in danger, or null. */
export function matchSafetyPhrases(text: string): SafetyReport | null {
  if (!text || text.length < 4) return null;
  const words = blankHarmless(wordsOf(text.slice(0, 4000)));
  // "nếu con bị ngã thì…" asks about a rule: a phrase after "nếu", "if", "quy định" is not a report
  // (a missing child or a fire is never hypothetical enough to ignore).
  const hypotheticalFrom = Math.min(...HYPOTHETICAL.map((p) => findPhrase(words, p)).filter((at) => at >= 0), Infinity);
  const reported = (at: number) => at >= 0 && !negatedAt(words, at);
  const act = VIOLENT_ACT.find((p) => { const at = findPhrase(words, p); return reported(at) && at < hypotheticalFrom; });
  const violentAct = act && VICTIM_OR_ACTOR.some((p) => findPhrase(words, p) >= 0) ? act : undefined;
  for (const kind of SAFETY_KINDS) {
    if (kind === 'violence' && violentAct) return { kind, evidence: violentAct.text, byAdult: ADULTS.some((p) => findPhrase(words, p) >= 0) };
    for (const p of STRONG[kind]) {
      const at = findPhrase(words, p);
      if (!reported(at) || (at > hypotheticalFrom && kind !== 'missing' && kind !== 'fire' && kind !== 'danger')) continue;
      return { kind, evidence: p.text, byAdult: kind === 'violence' && ADULTS.some((p) => findPhrase(words, p) >= 0) };
    }
  }
  return null;
}
