// The baseline the issue compares against: NLP.js (node-nlp, a devDependency) trained on the same
// intent files, every utterance (Vietnamese and English) under one language, "none" included; its
// own "None" (below its threshold) counts as out of scope. Both error rates on dev and the frozen test.
import { createRequire } from 'node:module';
import type { Intent } from '../src/nlu/intent-schema.ts';
import type { LabelledText } from '../src/nlu/evaluation.ts';
import { NONE_INTENT, type NluModel } from '../src/nlu/model.ts';
import { classify } from '../src/nlu/nlu-service.ts';
import { foldDiacritics } from '../src/nlu/normalise.ts';

const require = createRequire(import.meta.url);

interface NlpManagerLike {
  addDocument(locale: string, text: string, intent: string): void;
  train(): Promise<void>;
  process(locale: string, text: string): Promise<{ intent: string; score: number }>;
}

export async function trainNlpJs(intents: Intent[]): Promise<NlpManagerLike> {
  const { NlpManager } = require('node-nlp') as { NlpManager: new (o: object) => NlpManagerLike };
  const manager = new NlpManager({ languages: ['vi'], forceNER: false, autoSave: false, nlu: { log: false, useNoneFeature: true } });
  for (const intent of intents) {
    for (const u of [...intent.utterances.vi, ...intent.utterances.en]) manager.addDocument('vi', u, intent.id);
  }
  await manager.train();
  return manager;
}

export async function compareWithNlpJs(intents: Intent[], sets: Record<string, LabelledText[]>, loa: NluModel): Promise<void> {
  const nlp = await trainNlpJs(intents);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6);
  console.log('error rate (1 - accuracy); NLP.js trained on the same intent files, Loa as shipped (pool and calibrated thresholds)');
  for (const [name, data] of Object.entries(sets)) {
    for (const [variant, rows] of [['', data], [', diacritics stripped', data.map((d) => ({ ...d, text: foldDiacritics(d.text) }))]] as const) {
      let nlpWrong = 0;
      let loaWrong = 0;
      for (const d of rows) {
        const r = await nlp.process('vi', d.text);
        const got = !r.intent || r.intent === 'None' ? NONE_INTENT : r.intent;
        if (got !== d.intent) nlpWrong++;
        if (classify(loa, d.text).intent !== d.intent) loaWrong++;
      }
      const n = rows.length;
      console.log(`${(name + variant).padEnd(28)} NLP.js ${pct(nlpWrong / n)}   Loa ${pct(loaWrong / n)}   ratio ${(loaWrong / Math.max(1, nlpWrong)).toFixed(2)}  (n=${n})`);
    }
  }
}
