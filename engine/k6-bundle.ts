// How a k6 script is bundled so that real k6 back to v0.49 runs it (../shared/reference/k6-compat.md):
// CommonJS, es2017, k6 modules left to the runtime. The scenario build and the engine's on-the-fly
// bundling of ES-module scripts both use it.
import type { BuildOptions } from 'esbuild';

export const K6_BUNDLE_OPTIONS = Object.freeze({
  bundle: true,
  format: 'cjs',
  target: 'es2017',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  external: ['k6', 'k6/*'],
  logLevel: 'silent',
  legalComments: 'none',
} satisfies BuildOptions);
