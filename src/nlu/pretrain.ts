// The last step of `npm run build:server`: the NLU and safety models for the intents as shipped are
// trained (or found) here, in the build's own process, and kept in the model cache. `npm start`
// then reads them instead of training: a training (about 65 MB for the NLU, 45 MB for the safety
// model, at their peak) never happens inside Loa's memory on a fresh start.
import path from 'node:path';
import { readIntentDir, trainModel } from './nlu-service.ts';
import { safetyModel } from '../features/safety/safety-model.ts';

// In the store's order (by id), as Loa reads them once seeded: the cache key covers the list.
const intents = readIntentDir(path.resolve(process.env.INTENTS_DIR ?? 'intents')).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
trainModel(intents);
safetyModel();
