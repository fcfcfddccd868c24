// npm run nlu -- classify            one message per line on stdin → one JSON object per line
// npm run nlu -- eval <file.tsv>     lines "intent<TAB>text": accuracy, per-intent scores, confusions
// npm run nlu -- cv [--folds 5]      k-fold cross-validation on the intent files
// npm run nlu -- tune [--write]      calibrates the thresholds on the dev set (→ nlu-data/thresholds.json)
// npm run nlu -- report              the figures on dev and the frozen test set, and with diacritics stripped
// npm run nlu -- experiments         each modelling choice, second stage and thresholds calibrated for each
// npm run nlu -- compare             Loa against NLP.js (node-nlp) trained on the same intent files
// npm run nlu -- context             the dev sets' messages with a sentence of context before and after them
// Options: --intents <dir> (default ./intents), --dev <file> (default tests/nlu/dev.tsv)
import fs from 'node:fs';
import readline from 'node:readline';
import { readIntentDir, trainModel, classify, THRESHOLDS } from '../src/nlu/nlu-service.ts';
import { detectLanguage } from '../src/nlu/language.ts';
import { crossValidate, DEV_FILES, evaluate, formatReport, parseTsv, type LabelledText } from '../src/nlu/evaluation.ts';
import { calibrate, figuresAt, score, tune, type Figures } from '../src/nlu/calibration.ts';
import { readPool, THRESHOLDS_FILE, UNCOVERED_POOL_FILE, type Thresholds } from '../src/nlu/out-of-scope.ts';
import { SIGNALS } from '../src/nlu/second-stage.ts';
import { buildModel, DEFAULT_MODEL_OPTIONS, type ModelOptions } from '../src/nlu/model.ts';
import { DEFAULT_FEATURES } from '../src/nlu/classifier.ts';
import { foldDiacritics } from '../src/nlu/normalise.ts';
import { fail, parseArgs } from './cli-util.ts';

const USAGE = 'usage: npm run nlu -- classify | eval <file.tsv> | cv [--folds 5] | tune [--write] | report | experiments | compare | context   [--intents <dir>] [--dev <file>]';
const { positional, flags } = parseArgs(process.argv.slice(2));
const [command, file] = positional;
const intents = readIntentDir(flags.intents ?? 'intents');
const DEV = flags.dev ? [flags.dev] : DEV_FILES;
/** The frozen test set: evaluated to report, never to tune. */
const TEST = 'tests/nlu/test.tsv';
/** A second frozen set (2026-12-02), written after the first had been reported on several times. */
const TEST2 = 'tests/nlu/test2.tsv';
/** School questions the FAQ does not cover, written from the intents' descriptions: report only. */
const UNCOVERED = 'tests/nlu/uncovered.tsv';

const read = (f: string | string[]) => (Array.isArray(f) ? f : [f]).flatMap((one) => parseTsv(fs.readFileSync(one, 'utf8')));
const stripped = (data: LabelledText[]) => data.map((d) => ({ ...d, text: foldDiacritics(d.text) }));
const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6);
const line = (name: string, f: Figures) =>
  `${name.padEnd(34)} acc ${pct(f.accuracy)}  oos recall ${pct(f.outOfScopeRecall)}  false rejects ${pct(f.falseRejectRate)}  (n=${f.total})`;

if (command === 'classify') {
  const model = trainModel(intents);
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const text of rl) {
    if (!text.trim()) continue;
    const c = classify(model, text);
    const language = detectLanguage(text).locale ?? 'vi';
    process.stdout.write(JSON.stringify({
      text, intent: c.intent, candidate: c.candidate, confidence: Number(c.confidence.toFixed(3)),
      outOfScope: Number(c.outOfScope.toFixed(3)), rejected: c.rejected, language,
    }) + '\n');
  }
} else if (command === 'eval') {
  if (!file) fail(USAGE);
  console.log(formatReport(evaluate(trainModel(intents), read(file))));
} else if (command === 'cv') {
  const k = Number(flags.folds ?? 5);
  const { folds, accuracy, falseRejectRate } = crossValidate(intents, k);
  console.log(`${k}-fold cross-validation on ${intents.length} intents (in-scope utterances, thresholds as calibrated)`);
  folds.forEach((a, i) => console.log(`  fold ${i + 1}: ${(a * 100).toFixed(1)}%`));
  console.log(`accuracy: ${(accuracy * 100).toFixed(1)}%, answered "none": ${(falseRejectRate * 100).toFixed(1)}%`);
} else if (command === 'tune') {
  const model = trainModel(intents);
  const dev = read(DEV);
  const { thresholds, figures, heldOut } = calibrate(intents, readPool(), model, dev);
  const { secondStage, ...rest } = thresholds;
  console.log(`second stage (fitted on held-out folds of the intent files and the pool): ${JSON.stringify(secondStage)}`);
  console.log(`calibrated on ${DEV.join(' + ')}, as written and stripped: ${JSON.stringify(rest)}`);
  console.log(line('dev + dev stripped (calibrated)', figures));
  console.log(line('held-out folds (intent files, pool)', heldOut));
  console.log(line('dev', figuresAt(score(model, dev, secondStage), thresholds)));
  console.log(line('dev, diacritics stripped', figuresAt(score(model, stripped(dev), secondStage), thresholds)));
  if (flags.write) {
    fs.writeFileSync(THRESHOLDS_FILE, JSON.stringify({ ...thresholds, calibratedOn: DEV.join(' + '), by: 'npm run nlu -- tune --write' }, null, 2) + '\n');
    console.log(`written to ${THRESHOLDS_FILE}`);
  }
} else if (command === 'report') {
  const model = trainModel(intents);
  console.log(`thresholds: ${JSON.stringify(THRESHOLDS)}`);
  const sets: [string, string | string[]][] = [['dev', DEV[0]], ...DEV.slice(1).map((f): [string, string] => [f.replace(/^.*\//, ''), f]), ['test (frozen, report only)', TEST], ['test2 (frozen, report only)', TEST2], ['uncovered (report only)', UNCOVERED]];
  for (const [name, f] of sets) {
    const data = read(f);
    console.log(line(name, figuresAt(score(model, data), THRESHOLDS)));
    console.log(line(`${name}, diacritics stripped`, figuresAt(score(model, stripped(data)), THRESHOLDS)));
  }
} else if (command === 'experiments') {
  await experiments();
} else if (command === 'context') {
  const model = trainModel(intents);
  const dev = read(DEV.filter((f) => !f.includes('uncovered')));
  for (const [name, data] of withContext(dev)) console.log(line(name, figuresAt(score(model, data), THRESHOLDS)));
  // The conversation's topic (see withTopic in nlu-service.ts): what it costs after another topic, what it buys after the same one.
  const topics = [...new Set(dev.map((d) => d.intent))].filter((i) => !['none', 'greeting', 'thanks', 'help'].includes(i)).sort();
  const after = dev.map((d, i) => { const others = topics.filter((t) => t !== d.intent); return { d, topic: others[i % others.length] }; });
  const right = (withTopic: boolean) => after.filter(({ d, topic }) => classify(model, d.text, THRESHOLDS, withTopic ? topic : null).intent === d.intent).length;
  console.log(`dev sets, each after another topic: ${pct(right(true) / after.length)} right (alone ${pct(right(false) / after.length)})`);
  const follow = fs.readFileSync('tests/nlu/follow-ups.tsv', 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
  const got = (withTopic: boolean) => follow.filter(([topic, text, want]) => classify(model, text, THRESHOLDS, withTopic ? topic : null).intent === want).length;
  console.log(`short follow-ups (tests/nlu/follow-ups.tsv): ${got(true)}/${follow.length} with the topic, ${got(false)}/${follow.length} alone`);
} else if (command === 'compare') {
  const { compareWithNlpJs } = await import('./nlpjs-baseline.ts');
  await compareWithNlpJs(intents, { dev: read(DEV[0]), 'test (frozen)': read(TEST), 'test2 (frozen)': read(TEST2) }, trainModel(intents));
} else {
  fail(USAGE);
}

/**
 * Each modelling choice, one at a time from Loa's model: trained on the intent files (and the
 * pool), the second stage fitted and the thresholds calibrated for each run as `tune` does; figures
 * on dev, dev-uncovered, dev with diacritics stripped, and the held-out folds' false rejects.
 */
async function experiments(): Promise<void> {
  const pool = readPool();
  const withoutUncovered = (() => { const u = new Set(readPool(undefined, UNCOVERED_POOL_FILE)); return pool.filter((l) => !u.has(l)); })();
  const dev = read(DEV);
  const questions = DEV.filter((f) => !f.includes('uncovered'));
  const uncovered = read(DEV.filter((f) => f.includes('uncovered')));
  const base = DEFAULT_MODEL_OPTIONS;
  const f = (o: Partial<typeof DEFAULT_FEATURES>): ModelOptions['features'] => ({ ...base.features, ...o });
  // Signals of the second stage (see SIGNALS): which ones a run keeps.
  const only = (...keep: number[]) => SIGNALS.map((_, i) => keep.includes(i));
  const runs: { name: string; options: ModelOptions; pool?: string[]; stage?: false; use?: boolean[] }[] = [
    { name: 'before: none.yaml only, no marks', options: { outOfScope: 'intents-only', features: f({ marked: false }) }, stage: false },
    { name: 'out-of-scope model, no second stage', options: base, stage: false },
    { name: 'second stage (chosen)', options: base },
    { name: '  without coverage signals', options: base, use: only(0, 4, 5) },
    { name: '  without keyness', options: base, use: only(0, 1, 2, 4, 5) },
    { name: '  without confidence and margin', options: base, use: only(0, 1, 2, 3) },
    { name: '  no uncovered questions in pool', options: base, pool: withoutUncovered },
    { name: '  no character n-grams', options: { ...base, features: f({ charNgrams: [] }) } },
    { name: '  no word bigrams', options: { ...base, features: f({ bigrams: false }) } },
    { name: '  no diacritic features', options: { ...base, features: f({ marked: false }) } },
    { name: '  no word dropout', options: { ...base, wordDropout: 0 } },
  ];
  console.log(`dev: ${DEV.join(' + ')} (${dev.length} messages); pool: ${pool.length} sentences; calibrated for each run`);
  for (const run of runs) {
    const runPool = run.pool ?? pool;
    const started = performance.now();
    const model = buildModel(intents, runPool, run.options); // trained anew for each run, never the reused model
    const trainMs = performance.now() - started;
    let thresholds: Thresholds;
    let heldOut = '';
    if (run.stage === false) {
      thresholds = tune([...score(model, dev, null), ...score(model, stripped(dev), null)]).thresholds;
    } else {
      const c = calibrate(intents, runPool, model, dev, {}, { model: run.options, use: run.use });
      thresholds = c.thresholds;
      heldOut = `  held-out false rejects ${pct(c.heldOut.falseRejectRate)}`;
    }
    const stage = thresholds.secondStage ?? null;
    const each = questions.map((f) => figuresAt(score(model, read(f), stage), thresholds));
    const all = figuresAt(score(model, read(questions), stage), thresholds);
    const u = figuresAt(score(model, uncovered, stage), thresholds);
    const st = figuresAt(score(model, stripped(read(questions)), stage), thresholds);
    const byFile = each.map((f, i) => `${questions[i].replace(/^.*\/|\.tsv$/g, '')} ${pct(f.accuracy)}`).join(' ');
    console.log(`${line(run.name, all)}  ${byFile}  uncovered ${pct(u.outOfScopeRecall)}  stripped acc ${pct(st.accuracy)}${heldOut}  train ${(trainMs / 1000).toFixed(1)}s  ${fmt(thresholds)}`);
  }
}

function fmt(t: Thresholds): string {
  return `[oos ${t.outOfScope} conf ${t.minConfidence} margin ${t.minMargin}]`;
}

/**
 * Parents write context before or after what they ask. Each dev message (courtesies left out) with
 * one ordinary sentence put before it, then after it, in its language.
 */
function withContext(dev: LabelledText[]): [string, LabelledText[]][] {
  const before = {
    vi: ['Dạ em chào cô ạ, em là bố bé Na lớp Chồi 1.', 'Tuần này nhà em có việc bận, ông nội đang nằm viện.', 'Hôm trước bé về hát cho cả nhà nghe bài cô dạy, ai cũng khen.', 'Em làm ca đêm nên hay nhắn muộn, mong cô thông cảm.', 'Bé nhà em mới đi học được hai tuần, vẫn còn khóc lúc chia tay mẹ.', 'Em là phụ huynh lớp Lá, hôm nay em có mấy việc muốn hỏi.', 'Sáng nay trời mưa to quá, đường ngập hết.', 'Cả nhà em vừa đi du lịch về hôm qua.'],
    en: ["Hi, this is Na's dad from class Choi 1.", 'My mother is in hospital this week so things are a bit hectic.', 'Our son sang us the song he learnt at school, it was lovely.', 'It rained so hard this morning, the streets were flooded.', 'We only got back from a trip yesterday.'],
  };
  const after = {
    vi: ['Em cảm ơn cô nhiều ạ.', 'Nhà em ở xa nên hay phải hỏi trước.', 'Bé nhà em dạo này ngoan lắm.', 'Em bận quá nên quên mất.', 'Mong cô thông cảm cho em.'],
    en: ['Thanks a lot.', 'We live quite far away.', 'Sorry for the late message.'],
  };
  const messages = dev.filter((d) => !['greeting', 'thanks', 'help'].includes(d.intent));
  const pick = (list: { vi: string[]; en: string[] }, text: string, i: number) => {
    const l = list[detectLanguage(text).locale === 'en' ? 'en' : 'vi'];
    return l[i % l.length];
  };
  const ended = (t: string) => (/[.?!]$/.test(t.trim()) ? t.trim() : `${t.trim()}.`);
  return [
    ['dev sets, context before', messages.map((d, i) => ({ ...d, text: `${pick(before, d.text, i)} ${d.text}` }))],
    ['dev sets, context after', messages.map((d, i) => ({ ...d, text: `${ended(d.text)} ${pick(after, d.text, i)}` }))],
  ];
}
