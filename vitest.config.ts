import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'src/**/*.test.ts'],
    // A guard against hangs, not a speed target (those are in npm run bench): generous for a busy 2-core CI.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['./tests/build-setup.ts'],
    reporters: ['default', './tests/summary-reporter.ts'],
  },
});
