import fs from 'node:fs';
import { readIntentDir, trainModel, classify } from '../src/nlu/nlu-service.ts';
import { buildModel } from '../src/nlu/model.ts';
import { readPool } from '../src/nlu/out-of-scope.ts';
import { parseTsv } from '../src/nlu/evaluation.ts';
import { line, percentile } from './stats.ts';

export async function nluBench(): Promise<void> {
  const intents = readIntentDir('intents');
  const pool = readPool();
  buildModel(intents, pool); // warm up the JIT, as a running server would be
  const trainTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    buildModel(intents, pool); // not trainModel(), which reuses the last model for the same data
    trainTimes.push(performance.now() - t);
  }
  trainTimes.sort((a, b) => a - b);
  const trainMedian = percentile(trainTimes, 50);
  line('training, content pack and out-of-scope pool (median of 5)', `${trainMedian.toFixed(0)} ms`, '< 1000 ms', trainMedian < 1000);

  const model = trainModel(intents);
  const messages = parseTsv(fs.readFileSync('tests/nlu/heldout.tsv', 'utf8')).map((m) => m.text);
  for (let i = 0; i < 1000; i++) classify(model, messages[i % messages.length]);
  const times: number[] = [];
  for (let round = 0; round < 30; round++) {
    for (const text of messages) {
      const t = performance.now();
      classify(model, text);
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  const p99 = percentile(times, 99);
  line('classify p50', `${percentile(times, 50).toFixed(3)} ms`);
  line('classify p99', `${p99.toFixed(3)} ms`, '< 2 ms', p99 < 2);
  line('classify throughput', `${Math.round(times.length / (times.reduce((a, b) => a + b, 0) / 1000))} msg/s`);
}
