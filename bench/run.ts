// npm run bench: speed and memory figures against the targets in the issues. Not a test: the
// numbers depend on the machine; compare runs on the same one.
import { nluBench } from './nlu-bench.ts';
import { channelBench } from './channel-bench.ts';
import { broadcastBench } from './broadcast-bench.ts';

const benches: Record<string, () => Promise<void>> = { nlu: nluBench, channels: channelBench, broadcasts: broadcastBench };
const only = process.argv.slice(2);
for (const [name, run] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n== ${name}`);
  await run();
}
