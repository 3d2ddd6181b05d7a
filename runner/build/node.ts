// Bundles the Node side (runner, engine, simulator) so that `npm run scale` starts plain node,
// worker threads and child processes without a TypeScript loader.
import { build, type Plugin } from 'esbuild';
import { join } from 'node:path';

export const NODE_ENTRIES = [
  'runner/main.ts',
  'engine/cli.ts',
  'engine/worker.ts',
  'simulator/main.ts',
] as const;

/**
 * Protocol modules run in Node too (preflight probes), and the Kubernetes layer they build on waits
 * through k6/timers (scenarios/lib/timers.ts); k6's timers are the web API, so in Node the global
 * ones stand in. No other k6 module may reach the Node bundle: it stays an unresolved import there.
 */
const K6_TIMERS_IN_NODE: Plugin = {
  name: 'k6-timers-in-node',
  setup(b) {
    b.onResolve({ filter: /^k6\/(experimental\/)?timers$/ }, () => ({ path: 'k6-timers', namespace: 'k6-timers-in-node' }));
    b.onLoad({ filter: /.*/, namespace: 'k6-timers-in-node' }, () => ({
      contents: 'export const setTimeout = (...a) => globalThis.setTimeout(...a); export const clearTimeout = (id) => globalThis.clearTimeout(id); export const setInterval = (...a) => globalThis.setInterval(...a); export const clearInterval = (id) => globalThis.clearInterval(id);',
      loader: 'js',
    }));
  },
};

export async function buildNode(root: string, entries: readonly string[] = NODE_ENTRIES): Promise<void> {
  await build({
    entryPoints: entries.map((e) => join(root, e)),
    outdir: join(root, 'dist', 'node'),
    outbase: root,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'silent',
    plugins: [K6_TIMERS_IN_NODE],
  });
}
