// Tests that start Loa as `npm start` does run the compiled code in dist/: built once per run,
// from the sources under test (a stale dist/ would test yesterday's code).
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync('npm', ['run', '-s', 'build:server'], { stdio: 'inherit' });
}
