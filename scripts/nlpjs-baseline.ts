// The baseline the issue compares against: NLP.js (node-nlp, a devDependency) trained on the same
// intent files, every utterance (Vietnamese and English) under one language, "none" included; its
// own "None" (below its threshold) counts as out of scope. NLP.js has no Vietnamese, so it is also
// tried on text through Loa's normaliser (diacritics folded, teencode expanded), and the better of
// the two is the baseline. Error rates on dev and the frozen test.
import { createRequire } from 'node:module';
import type { Intent } from '../src/nlu/intent-schema.ts';
import type { LabelledText } from '../src/nlu/evaluation.ts';
import { NONE_INTENT, type NluModel } from '../src/nlu/model.ts';
import { classify } from '../src/nlu/nlu-service.ts';
import { foldDiacritics, normalise } from '../src/nlu/normalise.ts';

const require = createRequire(import.meta.url);

interface NlpManagerLike {
  addDocument(locale: string, text: string, intent: string): void;
  train(): Promise<void>;
  process(locale: string, text: string): Promise<{ intent: string; score: number }>;
}

export async function trainNlpJs(intents: Intent[], prepare: (text: string) => string = (t) => t): Promise<NlpManagerLike> {
  const { NlpManager } = require('node-nlp') as { NlpManager: new (o: object) => NlpManagerLike };
  const manager = new NlpManager({ languages: ['vi'], forceNER: false, autoSave: false, nlu: { log: false, useNoneFeature: true } });
  for (const intent of intents) {
    for (const u of [...intent.utterances.vi, ...intent.utterances.en]) manager.addDocument('vi', prepare(u), intent.id);
  }
  await manager.train();
  return manager;
}

export async function compareWithNlpJs(intents: Intent[], sets: Record<string, LabelledText[]>, loa: NluModel): Promise<void> {
  const normalised = (t: string) => normalise(t).text;
  const variants = [
    { name: 'NLP.js', nlp: await trainNlpJs(intents), prepare: (t: string) => t },
    { name: 'NLP.js+norm', nlp: await trainNlpJs(intents, normalised), prepare: normalised },
  ];
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6);
  console.log('error rate (1 - accuracy). NLP.js trained on the same intent files, as written and through Loa\'s normaliser;');
  console.log('Loa as shipped (out-of-scope pool, calibrated thresholds). ratio = Loa / the better NLP.js');
  for (const [name, data] of Object.entries(sets)) {
    for (const [variant, rows] of [['', data], [', stripped', data.map((d) => ({ ...d, text: foldDiacritics(d.text) }))]] as const) {
      const wrong: number[] = [];
      for (const v of variants) {
        let n = 0;
        for (const d of rows) {
          const r = await v.nlp.process('vi', v.prepare(d.text));
          const got = !r.intent || r.intent === 'None' ? NONE_INTENT : r.intent;
          if (got !== d.intent) n++;
        }
        wrong.push(n);
      }
      const loaWrong = rows.filter((d) => classify(loa, d.text).intent !== d.intent).length;
      const n = rows.length;
      const best = Math.min(...wrong);
      console.log(`${(name + variant).padEnd(22)} ${variants.map((v, i) => `${v.name} ${pct(wrong[i] / n)}`).join('  ')}   Loa ${pct(loaWrong / n)}   ratio ${(loaWrong / Math.max(1, best)).toFixed(2)}  (n=${n})`);
    }
  }
}
