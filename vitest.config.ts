import { defineConfig } from 'vitest/config';

// Three projects: `unit` is the fast inner loop (npm run test:unit);
// `conformance` compares rel against goldens made by the real helm;
// `e2e` runs against the embedded sandbox with real kubectl/helm/Prometheus.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      { test: { name: 'conformance', include: ['test/conformance/**/*.test.ts'], testTimeout: 60_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
