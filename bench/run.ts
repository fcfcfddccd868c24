// npm run bench [-- nlu|channels|broadcasts|webchat|console|storage|limits|overview|reports]: speed and memory figures against the targets in the
// issues. Not a test: the numbers depend on the machine; compare runs on the same one. Each bench
// runs in its own process, so one's memory does not count against the next.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nluBench } from './nlu-bench.ts';
import { channelBench } from './channel-bench.ts';
import { broadcastBench } from './broadcast-bench.ts';
import { webchatBench } from './webchat-bench.ts';
import { consoleBench } from './console-bench.ts';
import { storageBench } from './storage-bench.ts';
import { limitsBench } from './limits-bench.ts';
import { overviewBench } from './overview-bench.ts';
import { reportsBench } from './reports-bench.ts';
import { startCommand } from '../tests/helpers.ts';

const benches: Record<string, () => Promise<void>> = {
  nlu: nluBench, channels: channelBench, broadcasts: broadcastBench, webchat: webchatBench, console: consoleBench, storage: storageBench, limits: limitsBench, overview: overviewBench,
  reports: reportsBench,
};
const args = process.argv.slice(2);

if (args[0] === '--one') {
  await benches[args[1]]();
} else {
  const names = args.length ? args : Object.keys(benches);
  for (const name of names) {
    if (!benches[name]) {
      console.error(`unknown bench "${name}"; benches: ${Object.keys(benches).join(', ')}`);
      process.exit(2);
    }
    console.log(`\n== ${name}`);
    // With the node flags `npm start` uses (the nursery size matters for memory), and tsx for the
    // bench's own TypeScript: a school's figures.
    const r = spawnSync(process.execPath, [...startCommand().nodeArgs, '--import', 'tsx', fileURLToPath(import.meta.url), '--one', name], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
