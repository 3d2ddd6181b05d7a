// Bundles scenarios/*.ts into what real k6 (back to v0.49) and the embedded engine both run:
// CommonJS, es2017, k6 modules left external (../shared/reference/k6-compat.md).
import { build, type Plugin } from 'esbuild';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { K6_BUNDLE_OPTIONS } from '../../engine/k6-bundle';

/** k6 < 0.50 has the timers only as k6/experimental/timers; newer ones have k6/timers. */
export type TimersModule = 'k6/timers' | 'k6/experimental/timers';

export interface ScenarioBuildOptions {
  root: string;
  outDir?: string;
  timersModule?: TimersModule;
  /** Entry files to bundle instead of scenarios/*.ts (a test's own scenario). */
  entries?: readonly string[];
}

export interface ScenarioBuildResult {
  outDir: string;
  bundles: Record<string, string>;
}

export async function listScenarioEntries(root: string): Promise<string[]> {
  const dir = join(root, 'scenarios');
  const names = await readdir(dir);
  return names
    .filter((n) => n.endsWith('.ts') && !n.endsWith('.d.ts') && !n.endsWith('.test.ts'))
    .sort()
    .map((n) => join(dir, n));
}

function timersAlias(target: TimersModule): Plugin {
  return {
    name: 'fleetload-timers',
    setup(b) {
      b.onResolve({ filter: /^k6\/(experimental\/)?timers$/ }, () => ({ path: target, external: true }));
    },
  };
}

export function scenarioOutDir(root: string, timersModule: TimersModule): string {
  return join(root, 'dist', timersModule === 'k6/timers' ? 'k6' : 'k6-experimental-timers');
}

export async function buildScenarios(options: ScenarioBuildOptions): Promise<ScenarioBuildResult> {
  const timersModule = options.timersModule ?? 'k6/timers';
  const outDir = options.outDir ?? scenarioOutDir(options.root, timersModule);
  const entryPoints = options.entries ? [...options.entries] : await listScenarioEntries(options.root);
  await build({
    entryPoints,
    outdir: outDir,
    ...K6_BUNDLE_OPTIONS,
    mainFields: [...K6_BUNDLE_OPTIONS.mainFields],
    external: [...K6_BUNDLE_OPTIONS.external],
    plugins: [timersAlias(timersModule)],
    sourcemap: 'linked',
  });
  const bundles: Record<string, string> = {};
  for (const entry of entryPoints) {
    const name = basename(entry, '.ts');
    bundles[name] = join(outDir, `${name}.js`);
  }
  return { outDir, bundles };
}
