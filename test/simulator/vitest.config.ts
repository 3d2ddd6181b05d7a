// The simulator's suites alone, without the repository's global setup (which builds every entry,
// including ones other engineers have in flight): `npx vitest run --config test/simulator/vitest.config.ts`.
// process.test.ts builds the simulator bundle itself.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: `${import.meta.dirname}/../..`,
    include: ['test/simulator/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
