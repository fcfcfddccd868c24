// The "covered or not" signals and the second stage that reads them: a school question the intent
// files do not answer must look different from a covered one asked in new words.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CoverageIndex } from '../../src/nlu/coverage.ts';
import { fitSecondStage, folds, secondStageScore, SIGNALS, signals } from '../../src/nlu/second-stage.ts';
import { normalise } from '../../src/nlu/normalise.ts';
import { readThresholds } from '../../src/nlu/out-of-scope.ts';
import type { Intent } from '../../src/nlu/intent-schema.ts';

const ex = (intent: string, text: string) => ({ intent, tokens: normalise(text).tokens });

describe('coverage', () => {
  const index = CoverageIndex.build(
    [ex('fees', 'học phí tháng này bao nhiêu'), ex('fees', 'đóng học phí ở đâu'), ex('menu', 'hôm nay các con ăn gì'), ex('menu', 'thực đơn tuần này có gì')],
    [ex('none', 'học phí đại học bao nhiêu'), ex('none', 'trường có gì vui không')],
  );
  const measure = (text: string, intent: string) => index.measure(normalise(text).tokens, intent);

  it('is high for a covered question in other words, low when the topic word is new to the intent', () => {
    const covered = measure('học phí tháng 12 bao nhiêu', 'fees');
    const uncovered = measure('trường có camera không', 'fees');
    expect(covered.similarity).toBeGreaterThan(0.5);
    expect(covered.explained).toBeGreaterThan(0.5); // "12" and its pairs are new: they keep their weight
    expect(uncovered.similarity).toBeLessThan(0.2);
    expect(uncovered.explained).toBeLessThan(0.3);
  });

  it('gives keyness to the words an intent owns, not to the ones every sentence has', () => {
    expect(measure('học phí', 'fees').keyness).toBeGreaterThan(0.3);
    expect(measure('thực đơn', 'fees').keyness).toBe(0);
    expect(measure('thực đơn', 'menu').keyness).toBeGreaterThan(0.2);
  });

  it('knows nothing about an intent it was not built with', () => {
    expect(measure('học phí', 'contact')).toEqual({ similarity: 0, explained: 0, keyness: 0 });
  });
});

describe('the second stage', () => {
  const first = (outOfScope: number, similarity: number, explained: number, keyness: number, confidence: number) =>
    ({ outOfScope, similarity, explained, keyness, confidence, runnerUp: { confidence: 1 - confidence } });

  it('learns from held-out examples that low coverage means "not covered", and weighs each kind alike', () => {
    const rows = [
      ...Array.from({ length: 200 }, (_, i) => ({ x: signals(first(0.1, 0.6 + (i % 5) / 20, 0.9, 0.5, 0.8)), kind: 'in' as const })),
      ...Array.from({ length: 200 }, (_, i) => ({ x: signals(first(0.9, 0.1 + (i % 5) / 50, 0.2, 0.05, 0.5)), kind: 'out' as const })),
      // Few, but as important: school questions the intents do not cover look in scope to the out-of-scope model.
      ...Array.from({ length: 10 }, (_, i) => ({ x: signals(first(0.2, 0.15 + (i % 5) / 50, 0.3, 0.05, 0.6)), kind: 'uncovered' as const })),
    ];
    const stage = fitSecondStage(rows);
    expect(stage.weights).toHaveLength(SIGNALS.length);
    expect(secondStageScore(stage, first(0.2, 0.15, 0.3, 0.05, 0.6))).toBeGreaterThan(0.5);
    expect(secondStageScore(stage, first(0.1, 0.7, 0.9, 0.5, 0.8))).toBeLessThan(0.5);
  });

  it('holds out each utterance and each pool sentence exactly once across the folds', () => {
    const intents = [
      { id: 'fees', utterances: { vi: ['a', 'b', 'c'], en: ['d'] } },
      { id: 'none', utterances: { vi: ['e', 'f'], en: [] } },
    ] as unknown as Intent[];
    const fs5 = folds(intents, ['p1', 'p2', 'p3'], 2);
    expect(fs5.flatMap((f) => f.heldIn.map((h) => h.text)).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(fs5.flatMap((f) => f.heldOut).sort()).toEqual(['e', 'f', 'p1', 'p2', 'p3']);
    for (const f of fs5) {
      const trained = f.intents.flatMap((i) => [...i.utterances.vi, ...i.utterances.en]);
      for (const h of f.heldIn) expect(trained).not.toContain(h.text);
      for (const p of f.heldOut) expect([...trained, ...f.pool]).not.toContain(p);
    }
  });

  it('is read from the thresholds file only when it is whole', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loa-stage-'));
    const file = path.join(dir, 'thresholds.json');
    const stage = { weights: SIGNALS.map(() => 1), bias: 0, mean: SIGNALS.map(() => 0), scale: SIGNALS.map(() => 1) };
    fs.writeFileSync(file, JSON.stringify({ outOfScope: 0.8, minConfidence: 0.2, minMargin: 0, secondStage: stage }));
    expect(readThresholds(file).secondStage).toEqual(stage);
    fs.writeFileSync(file, JSON.stringify({ outOfScope: 0.8, minConfidence: 0.2, minMargin: 0, secondStage: { ...stage, weights: [1, 2] } }));
    expect(readThresholds(file).secondStage).toBeUndefined();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
