import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Unit tests of the scenarios run under Node: their k6 modules resolve to the shims in test/shims/k6.
const k6Shim = (file: string): string => fileURLToPath(new URL(`./test/shims/k6/${file}.ts`, import.meta.url));

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    // Integration suites start real processes that compete for 2 cores; forks keep them isolated.
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    alias: [
      { find: /^k6\/metrics$/, replacement: k6Shim('metrics') },
      { find: /^k6\/(experimental\/)?timers$/, replacement: k6Shim('timers') },
      { find: /^k6\/execution$/, replacement: k6Shim('execution') },
      { find: /^k6\/http$/, replacement: k6Shim('http') },
      { find: /^k6\/(experimental\/)?websockets$/, replacement: k6Shim('websockets') },
    ],
  },
});
