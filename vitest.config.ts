import { defineConfig } from 'vitest/config'

// The root run: every package's tests in one vitest process, so the output
// ends with one summary (and our plain "N passed, N failed" line for CI).
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'bench'],
    reporters: ['default', './scripts/summary-reporter.ts'],
    // Two cores: multi-node tests are CPU-bound; two files at once is the most we ask.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
