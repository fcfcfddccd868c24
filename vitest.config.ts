import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'src/**/*.test.ts'],
    // The first Loa a test file starts trains the NLU model (~5 s of CPU; later starts reuse it,
    // ~0.5 s): on a shared, oversubscribed machine that first start alone takes 20–30 s.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['./tests/build-setup.ts'],
    reporters: ['default', './tests/summary-reporter.ts'],
  },
});
