// npm run intents -- export <dir>   writes the intents in the store as <dir>/<id>.yaml
// npm run intents -- import <dir>   validates every file, then stores them all (or none)
import fs from 'node:fs';
import path from 'node:path';
import { parseIntent, readIntentDir } from '../src/nlu/nlu-service.ts';
import { intentYaml } from '../src/features/faq/intent-io.ts';
import { fail, parseArgs, withStore } from './cli-util.ts';

const USAGE = 'usage: npm run intents -- export <dir> | import <dir>';
const { positional } = parseArgs(process.argv.slice(2));
const [command, dir] = positional;
if (!dir || !['export', 'import'].includes(command)) fail(USAGE);

await withStore(async (store) => {
  if (command === 'export') {
    const intents = await store.documents.list('intents');
    if (intents.length === 0) fail('the store has no intents yet: start Loa once (npm start) or import a folder');
    fs.mkdirSync(dir, { recursive: true });
    for (const { id, value } of intents) {
      fs.writeFileSync(path.join(dir, `${id}.yaml`), intentYaml(parseIntent(value)));
    }
    console.log(`Exported ${intents.length} intents to ${path.resolve(dir)}`);
  } else {
    let intents;
    try {
      intents = readIntentDir(dir);
    } catch (err) {
      fail(`nothing imported: ${(err as Error).message}`);
    }
    const now = new Date().toISOString();
    for (const intent of intents) {
      // A new version: an edit the console started before this import is refused as stale.
      const stored = await store.documents.get<{ version?: number }>('intents', intent.id);
      await store.documents.put('intents', intent.id, { ...intent, version: (stored?.version ?? 0) + 1 }, now);
    }
    await store.audit.append({ at: now, actor: 'cli', action: 'intent.import', target: path.resolve(dir), details: { ids: intents.map((i) => i.id) } });
    console.log(`Imported ${intents.length} intents from ${path.resolve(dir)}; a running Loa picks them up on restart.`);
  }
});
