// The safety-report detector's recall and false alarms.
//   npm run safety            the frozen test set (tests/nlu/safety-test.tsv; report only, never tune on it)
//   npm run safety -- --cv    5-fold cross-validation on the training examples (nlu-data/safety/) at
//                             several thresholds: where MODEL_THRESHOLD is chosen
import fs from 'node:fs';
import { matchSafetyPhrases } from '../src/features/safety/safety-report.ts';
import {
  crossValidateSafety, detectSafetyReport, everydayQuestions, MODEL_THRESHOLD, parseSafetyTsv, readSafetyExamples,
  scoreDetector, type SafetyScore,
} from '../src/features/safety/safety-model.ts';

const pct = (a: number, b: number) => (b ? ((a / b) * 100).toFixed(1) : '–');
const line = (name: string, s: SafetyScore) =>
  `${name.padEnd(24)} recall ${pct(s.found, s.reports).padStart(5)} % (${s.found}/${s.reports})   false alarms ${pct(s.alarms, s.ordinary).padStart(5)} % (${s.alarms}/${s.ordinary})`;

if (process.argv.includes('--cv')) {
  const rows = readSafetyExamples();
  console.log(`5-fold cross-validation on ${rows.length} examples (nlu-data/safety/), phrases + model:`);
  for (const [th, s] of crossValidateSafety(rows, everydayQuestions(), [0.3, 0.4, 0.5, 0.6, 0.7, 0.8])) console.log('  ' + line(`threshold ${th}`, s));
} else {
  const frozen = parseSafetyTsv(fs.readFileSync(new URL('../tests/nlu/safety-test.tsv', import.meta.url), 'utf8'));
  console.log(`frozen test set (tests/nlu/safety-test.tsv, ${frozen.length} messages), threshold ${MODEL_THRESHOLD}:`);
  console.log('  ' + line('phrases alone', scoreDetector(frozen, (t) => Boolean(matchSafetyPhrases(t)))));
  console.log('  ' + line('phrases + model', scoreDetector(frozen, (t) => Boolean(detectSafetyReport(t)))));
}
