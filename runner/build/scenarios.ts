// Bundles scenarios/*.ts into what real k6 (back to v0.49) and the embedded engine both run:
// CommonJS, es2017, k6 modules left external (../shared/reference/k6-compat.md).
import { build, type Plugin } from 'esbuild';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { K6_BUNDLE_OPTIONS } from '../../engine/k6-bundle';

/** k6 < 0.50 has the timers only as k6/experimental/timers; newer ones have k6/timers. */
export type TimersModule = 'k6/timers' | 'k6/experimental/timers';
/** k6 < 1.6 has the event-loop WebSocket only as k6/experimental/websockets; newer ones have k6/websockets. */
export type WebsocketsModule = 'k6/websockets' | 'k6/experimental/websockets';

/**
 * The k6 modules whose import path depends on the k6 version: what a bundle for one k6 imports.
 * The scenarios import the current paths; the build rewrites them to the set's.
 */
export interface K6ModuleSet {
  timers: TimersModule;
  websockets: WebsocketsModule;
}

/** What current k6 (and the embedded engine) has. */
export const CURRENT_K6_MODULES: Readonly<K6ModuleSet> = Object.freeze({ timers: 'k6/timers', websockets: 'k6/websockets' });

export interface ScenarioBuildOptions {
  root: string;
  outDir?: string;
  /** The module paths of the k6 the bundles are for; default: current k6's. */
  modules?: K6ModuleSet;
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

/** Either spelling of each version-dependent module resolves to the one the set names. */
function k6ModulesAlias(set: K6ModuleSet): Plugin {
  return {
    name: 'fleetload-k6-modules',
    setup(b) {
      b.onResolve({ filter: /^k6\/(experimental\/)?timers$/ }, () => ({ path: set.timers, external: true }));
      b.onResolve({ filter: /^k6\/(experimental\/)?websockets$/ }, () => ({ path: set.websockets, external: true }));
    },
  };
}

/**
 * Where a set's bundles go: dist/k6 for current k6; otherwise dist/k6-experimental-<modules> naming
 * the modules the set takes from k6/experimental (dist/k6-experimental-timers-websockets for
 * k6 v0.49, dist/k6-experimental-websockets for v0.50 to v1.5), so every set has its own folder.
 */
export function scenarioOutDir(root: string, modules: K6ModuleSet = CURRENT_K6_MODULES): string {
  return join(root, 'dist', k6ModulesDirName(modules));
}

export function k6ModulesDirName(modules: K6ModuleSet): string {
  const experimental = (['timers', 'websockets'] as const).filter((k) => modules[k].startsWith('k6/experimental/'));
  return experimental.length === 0 ? 'k6' : `k6-experimental-${experimental.join('-')}`;
}

export async function buildScenarios(options: ScenarioBuildOptions): Promise<ScenarioBuildResult> {
  const modules = options.modules ?? CURRENT_K6_MODULES;
  const outDir = options.outDir ?? scenarioOutDir(options.root, modules);
  const entryPoints = options.entries ? [...options.entries] : await listScenarioEntries(options.root);
  await build({
    entryPoints,
    outdir: outDir,
    ...K6_BUNDLE_OPTIONS,
    mainFields: [...K6_BUNDLE_OPTIONS.mainFields],
    external: [...K6_BUNDLE_OPTIONS.external],
    plugins: [k6ModulesAlias(modules)],
    sourcemap: 'linked',
  });
  const bundles: Record<string, string> = {};
  for (const entry of entryPoints) {
    const name = basename(entry, '.ts');
    bundles[name] = join(outDir, `${name}.js`);
  }
  return { outDir, bundles };
}
