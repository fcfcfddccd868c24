// The NLU as issue 13 asks for it: out-of-scope as a model of its own trained on a broad pool,
// thresholds that come from the dev set (not typed by hand), a `rejected` flag that means "unsure",
// and the normaliser and language cues that short messages need.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classify, decide, parseIntent, readIntentDir, trainModel, THRESHOLDS } from '../../src/nlu/nlu-service.ts';
import { buildModel, DEFAULT_MODEL_OPTIONS } from '../../src/nlu/model.ts';
import { readPool, readThresholds, THRESHOLDS_FILE } from '../../src/nlu/out-of-scope.ts';
import { calibrate, figuresAt, score, tune } from '../../src/nlu/calibration.ts';
import { DEV_FILES, parseTsv } from '../../src/nlu/evaluation.ts';
import { normalise, foldDiacritics } from '../../src/nlu/normalise.ts';
import { chooseLocale } from '../../src/nlu/language.ts';

const intents = readIntentDir('intents');
const pool = readPool();
const model = trainModel(intents, pool);
const dev = DEV_FILES.flatMap((f) => parseTsv(fs.readFileSync(f, 'utf8')));

describe('the out-of-scope pool and model', () => {
  it('has 1,500 or more sentences, Vietnamese (with and without diacritics) and English', () => {
    expect(pool.length).toBeGreaterThanOrEqual(1500);
    expect(pool.filter((l) => l !== foldDiacritics(l)).length).toBeGreaterThan(500);
    expect(pool.filter((l) => /\b(the|what|how|my)\b/.test(l)).length).toBeGreaterThan(200);
  });

  it('answers "none" to messages that share a word with a school topic, without calling them unsure', () => {
    for (const text of ['mấy giờ rồi nhỉ', 'giá vàng hôm nay bao nhiêu tiền', 'lịch thi đấu bóng đá tối nay', 'how do I pay my phone bill']) {
      const c = classify(model, text);
      expect(c.intent, text).toBe('none');
      expect(c.rejected, text).toBe(false);
      expect(c.outOfScope, text).toBeGreaterThanOrEqual(THRESHOLDS.outOfScope);
    }
  });

  it('keeps school questions in scope', () => {
    for (const [text, intent] of [['mai con có đi học không', 'calendar'], ['ck stk nao vay', 'fees'], ['nha trg o dau', 'contact'], ['What time is pick-up?', 'pickup_hours']]) {
      const c = classify(model, text);
      expect(c.intent, text).toBe(intent);
      expect(c.outOfScope, text).toBeLessThan(THRESHOLDS.outOfScope);
    }
  });

  it('reads acknowledgements and emoji as thanks', () => {
    for (const text of ['dc r c', 'vâng ạ', '👍', 'ko can them', 'ok rồi ạ']) expect(classify(model, text).intent, text).toBe('thanks');
  });

  it('lets an intent of ten utterances, as made in the console, hold its own against intents of hundreds', () => {
    const swimming = { id: 'swimming', description: 'Swimming lessons', answer: 'x', quickReplies: [], utterances: { en: [], vi: [
      'trường có dạy bơi không', 'bể bơi của trường', 'con học bơi ở đâu', 'lớp học bơi mấy giờ', 'học bơi có mất tiền không',
      'hoc boi o truong', 'bé có được đi bơi không', 'trường có bể bơi không ạ', 'đăng ký học bơi thế nào', 'bơi lội cho trẻ mầm non'] } };
    const withSwimming = buildModel([...intents, parseIntent(swimming)], pool, DEFAULT_MODEL_OPTIONS);
    expect(classify(withSwimming, 'trường mình có dạy bơi cho các con không cô').candidate).toBe('swimming');
    expect(classify(withSwimming, 'cho con học bơi ở trường được không cô').candidate).toBe('swimming');
  }, 120_000);

  it('is deterministic: the same data trains the same model', () => {
    const again = buildModel(intents, pool, DEFAULT_MODEL_OPTIONS);
    expect(again).not.toBe(model);
    for (const text of ['hoc phi', 'mai an gi', 'xin chao', 'thời tiết mai thế nào']) expect(classify(again, text)).toEqual(classify(model, text));
   }, 120_000); // training anew takes seconds on a busy machine
});

describe('rejection', () => {
  const t = { outOfScope: 0.5, minConfidence: 0.3, minMargin: 0.1 };
  it('is "unsure" only for a weak or close guess; out of scope is an answer of its own', () => {
    expect(decide('fees', 0.9, { intent: 'menu', confidence: 0.05 }, 0.1, t)).toMatchObject({ intent: 'fees', rejected: false });
    expect(decide('fees', 0.25, { intent: 'menu', confidence: 0.2 }, 0.1, t)).toMatchObject({ intent: 'none', candidate: 'fees', rejected: true });
    expect(decide('fees', 0.45, { intent: 'menu', confidence: 0.4 }, 0.1, t)).toMatchObject({ intent: 'none', rejected: true });
    expect(decide('fees', 0.9, { intent: 'menu', confidence: 0.05 }, 0.7, t)).toMatchObject({ intent: 'none', candidate: 'fees', rejected: false });
  });
});

describe('thresholds', () => {
  it('are the ones `npm run nlu -- tune --write` calibrates on the dev set', () => {
    const written = JSON.parse(fs.readFileSync(THRESHOLDS_FILE, 'utf8'));
    expect(written.by).toBe('npm run nlu -- tune --write');
    const { thresholds } = calibrate(intents, pool, model, dev);
    expect(readThresholds()).toEqual(thresholds);
  }, 240_000); // fits the second stage on five models trained anew

  it('meet the issue\'s targets on the dev set they were calibrated on, diacritics stripped too', () => {
    const messages = parseTsv(fs.readFileSync('tests/nlu/dev.tsv', 'utf8'));
    const f = figuresAt(score(model, messages), THRESHOLDS);
    const stripped = figuresAt(score(model, messages.map((d) => ({ ...d, text: foldDiacritics(d.text) }))), THRESHOLDS);
    expect(f.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(f.outOfScopeRecall).toBeGreaterThanOrEqual(0.9);
    expect(f.falseRejectRate).toBeLessThanOrEqual(0.03);
    expect(f.accuracy - stripped.accuracy).toBeLessThanOrEqual(0.02);
  });

  it('answer most school questions the intent files do not cover with "not known" rather than a wrong topic', () => {
    const uncovered = parseTsv(fs.readFileSync('tests/nlu/dev-uncovered.tsv', 'utf8'));
    expect(figuresAt(score(model, uncovered), THRESHOLDS).outOfScopeRecall).toBeGreaterThanOrEqual(0.7);
    for (const text of ['trường có wifi không', 'trường có nuôi thỏ hay gà không', 'does the school have a library']) {
      const c = classify(model, text);
      expect(c.intent, text).toBe('none');
      expect(c.rejected, text).toBe(false);
    }
  });

  it('fall back to defaults when the file is missing or broken', () => {
    expect(readThresholds('/nonexistent/thresholds.json')).toEqual({ outOfScope: 0.5, minConfidence: 0.35, minMargin: 0.08 });
  });
});

describe('normaliser and language for short messages', () => {
  const n = (text: string) => normalise(text).text;
  it('reads bank-transfer and school abbreviations', () => {
    expect(n('ck stk nao vay')).toBe('chuyen khoan so tai khoan nao vay');
    expect(n('ck em đi làm rồi')).toBe('chong em di lam roi');
    expect(n('nha trg o dau')).toBe('nha truong o dau');
  });

  it('keeps the emoji that carry a reply, and the diacritics of each word for the classifier', () => {
    expect(n('👍')).toBe('ok');
    expect(n('😀')).toBe('');
    expect(normalise('vâng ạ').marked).toEqual(['vâng', 'ạ']);
    expect(normalise('nộp 500 k').tokens).toEqual(['nop', '_money_']);
  });

  it('answers a short message with only Vietnamese cues in Vietnamese, even after English', () => {
    expect(chooseLocale('chao c', 'en')).toBe('vi');
    expect(chooseLocale('dc r a', 'en')).toBe('vi');
    expect(chooseLocale('ok', 'en')).toBe('en');
    expect(chooseLocale('stop', 'vi')).toBe('vi');
    expect(chooseLocale('menu', 'vi')).toBe('vi');
  });
});

describe('the model cache', () => {
  it('gives back the model trained for the same data, and trains anew for other data', async () => {
    const { cacheKey, readCachedModel, writeCachedModel } = await import('../../src/nlu/model-cache.ts');
    const key = cacheKey([intents, pool, DEFAULT_MODEL_OPTIONS]);
    expect(cacheKey([intents, pool, { ...DEFAULT_MODEL_OPTIONS, wordDropout: 2 }])).not.toBe(key);
    writeCachedModel(key, model.toData());
    const back = readCachedModel(key);
    expect(back).not.toBeNull();
    const { NluModel } = await import('../../src/nlu/model.ts');
    const restored = NluModel.fromData(back!);
    for (const text of ['hoc phi bn', 'mấy giờ rồi', '👍']) expect(classify(restored, text)).toEqual(classify(model, text));
    expect(readCachedModel('0'.repeat(32))).toBeNull();
  });
});

describe('calibration', () => {
  it('takes the middle of a plateau of equally good thresholds, so "unsure" stays possible', () => {
    // Right guesses are confident, out-of-scope ones are clear: every low confidence threshold ties.
    const scored = [
      ...Array.from({ length: 20 }, () => ({ expected: 'fees', intent: 'fees', confidence: 0.9, runnerUp: { intent: 'menu', confidence: 0.05 }, outOfScope: 0.1, coverage: 0.8 })),
      ...Array.from({ length: 5 }, () => ({ expected: 'none', intent: 'menu', confidence: 0.5, runnerUp: { intent: 'fees', confidence: 0.3 }, outOfScope: 0.9, coverage: 0.1 })),
    ];
    const { thresholds, figures } = tune(scored);
    expect(figures.accuracy).toBe(1);
    expect(thresholds.minConfidence).toBeGreaterThan(0.2);
    expect(thresholds.outOfScope).toBeGreaterThan(0.3);
    expect(thresholds.outOfScope).toBeLessThan(0.9);
  });
});

describe('abbreviations', () => {
  it('are read only when typed without marks: "hồng" in a class name is not "hông"', () => {
    expect(normalise('lớp Hoa Hồng').text).toBe('lop hoa hong');
    expect(normalise('lop hoa hong').text).toBe('lop hoa khong');
    expect(normalise('đc không').text).toBe('duoc khong');
  });
});
