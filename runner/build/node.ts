// Bundles the Node side (runner, engine, simulator) so that `npm run scale` starts plain node,
// worker threads and child processes without a TypeScript loader.
import { build } from 'esbuild';
import { join } from 'node:path';

export const NODE_ENTRIES = [
  'runner/cli.ts',
  'engine/cli.ts',
  'engine/worker.ts',
  'simulator/main.ts',
] as const;

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
  });
}
