// The safety-report detector's recall and false alarms.
//   npm run safety            the frozen test set (tests/nlu/safety-test.tsv; report only, never tune on it)
//   npm run safety -- --cv    5-fold cross-validation on the training examples (nlu-data/safety/), and
//                             the dev set (tests/nlu/safety-dev.tsv), at a grid of cut-offs: where CUTOFFS is chosen
import fs from 'node:fs';
import { matchSafetyPhrases } from '../src/features/safety/safety-report.ts';
import {
  crossValidateSafety, CUTOFFS, detectSafetyReport, everydayQuestions, parseSafetyTsv, readSafetyExamples,
  safetyModel, scoreDetector, type Cutoffs, type SafetyScore,
} from '../src/features/safety/safety-model.ts';

const pct = (a: number, b: number) => (b ? ((a / b) * 100).toFixed(1) : '–');
const line = (name: string, s: SafetyScore) =>
  `${name.padEnd(28)} recall ${pct(s.found, s.reports).padStart(5)} % (${s.found}/${s.reports})   false alarms ${pct(s.alarms, s.ordinary).padStart(5)} % (${s.alarms}/${s.ordinary})`;
const named = (c: Cutoffs) => `model ${c.model}, phrase ${c.phrase}`;
const read = (file: string) => parseSafetyTsv(fs.readFileSync(new URL(file, import.meta.url), 'utf8'));

if (process.argv.includes('--cv')) {
  const grid = [0.3, 0.4, 0.5].flatMap((model) => [0.05, 0.1, 0.15, 0.2].map((phrase) => ({ model, phrase })));
  const rows = readSafetyExamples();
  const dev = fs.existsSync(new URL('../tests/nlu/safety-dev.tsv', import.meta.url)) ? read('../tests/nlu/safety-dev.tsv') : [];
  console.log(`5-fold cross-validation on ${rows.length} examples (nlu-data/safety/) | dev set (tests/nlu/safety-dev.tsv, ${dev.length}), phrases + model:`);
  const cv = crossValidateSafety(rows, everydayQuestions(), grid);
  grid.forEach((c, n) => {
    const onDev = scoreDetector(dev, (t) => Boolean(detectSafetyReport(t, safetyModel(), c)));
    console.log(`  ${line(named(c), cv[n])}  | dev ${line('', onDev).trim()}`);
  });
} else {
  const frozen = read('../tests/nlu/safety-test.tsv');
  console.log(`frozen test set (tests/nlu/safety-test.tsv, ${frozen.length} messages), cut-offs ${named(CUTOFFS)}:`);
  console.log('  ' + line('phrases alone', scoreDetector(frozen, (t) => Boolean(matchSafetyPhrases(t)))));
  console.log('  ' + line('phrases + model', scoreDetector(frozen, (t) => Boolean(detectSafetyReport(t)))));
}
