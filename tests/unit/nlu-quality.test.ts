// The classifier on the held-out parent messages (never used for training): a regression guard
// for the content pack and the NLU. The thresholds are the targets.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readIntentDir, trainModel, classify } from '../../src/nlu/nlu-service.ts';
import { buildModel } from '../../src/nlu/model.ts';
import { readPool } from '../../src/nlu/out-of-scope.ts';
import { evaluate, parseTsv } from '../../src/nlu/evaluation.ts';

const intents = readIntentDir('intents');
const model = trainModel(intents);

describe('NLU on held-out messages', () => {
  it('reaches the accuracy, out-of-scope recall and false-reject targets', () => {
    const report = evaluate(model, parseTsv(fs.readFileSync('tests/nlu/heldout.tsv', 'utf8')));
    expect(report.total).toBeGreaterThanOrEqual(150);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(report.outOfScopeRecall).toBeGreaterThanOrEqual(0.9);
    expect(report.falseRejectRate).toBeLessThanOrEqual(0.03);
  });

  it('understands the issue\'s own examples', () => {
    expect(classify(model, 'hoc phi thang 11 het bn tien a').intent).toBe('fees');
    expect(classify(model, 'thu 2 tuan sau co hoc k').intent).toBe('calendar');
    expect(classify(model, 'chau om, cho chau o nha 1 hom nhe co').intent).toBe('absence');
    expect(classify(model, "What's on the menu tomorrow?").intent).toBe('menu');
  });

  it('answers the question when a greeting or thanks comes with it', () => {
    expect(classify(model, 'hello cô ơi học phí bao nhiêu').intent).toBe('fees');
    expect(classify(model, 'chào cô, mai các con ăn gì ạ').intent).toBe('menu');
    expect(classify(model, 'xin chào').intent).toBe('greeting');
    expect(classify(model, 'cảm ơn cô nhiều ạ').intent).toBe('thanks');
  });

  it('is deterministic', () => {
    const again = buildModel(intents, readPool()); // trained anew, not the reused model
    for (const text of ['hoc phi', 'mai an gi', 'xin chao']) expect(classify(again, text)).toEqual(classify(model, text));
   }, 120_000); // training anew takes seconds on a busy machine

  it('answers "none" for noise rather than guessing', () => {
    for (const text of ['', '😀😀', 'asdkjh qwe zxc', '!!!!!']) expect(classify(model, text).intent).toBe('none');
  });
});
