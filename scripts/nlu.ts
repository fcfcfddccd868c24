// npm run nlu -- classify            one message per line on stdin → one JSON object per line
// npm run nlu -- eval <file.tsv>     lines "intent<TAB>text": accuracy, per-intent scores, confusions
// npm run nlu -- cv [--folds 5]      k-fold cross-validation on the intent files
// Options: --intents <dir> (default ./intents)
import fs from 'node:fs';
import readline from 'node:readline';
import { readIntentDir, trainModel, classify } from '../src/nlu/nlu-service.ts';
import { detectLanguage } from '../src/nlu/language.ts';
import { crossValidate, evaluate, formatReport, parseTsv } from '../src/nlu/evaluation.ts';
import { fail, parseArgs } from './cli-util.ts';

const USAGE = 'usage: npm run nlu -- classify | eval <file.tsv> | cv [--folds 5]   [--intents <dir>]';
const { positional, flags } = parseArgs(process.argv.slice(2));
const [command, file] = positional;
const intents = readIntentDir(flags.intents ?? 'intents');

if (command === 'classify') {
  const model = trainModel(intents);
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    const c = classify(model, line);
    const language = detectLanguage(line).locale ?? 'vi';
    process.stdout.write(JSON.stringify({ text: line, intent: c.intent, confidence: Number(c.confidence.toFixed(3)), language }) + '\n');
  }
} else if (command === 'eval') {
  if (!file) fail(USAGE);
  const data = parseTsv(fs.readFileSync(file, 'utf8'));
  console.log(formatReport(evaluate(trainModel(intents), data)));
} else if (command === 'cv') {
  const k = Number(flags.folds ?? 5);
  const { folds, accuracy } = crossValidate(intents, k);
  console.log(`${k}-fold cross-validation on ${intents.length} intents`);
  folds.forEach((a, i) => console.log(`  fold ${i + 1}: ${(a * 100).toFixed(1)}%`));
  console.log(`accuracy: ${(accuracy * 100).toFixed(1)}%`);
} else {
  fail(USAGE);
}
