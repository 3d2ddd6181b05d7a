// `npm run build`: bundle the Node side and the scenarios, then type-check the scenarios against
// @types/k6. `--node-only` skips the scenarios (the runner builds them itself before a run).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNode, NODE_ENTRIES } from '../runner/build/node';
import { buildScenarios, type K6ModuleSet } from '../runner/build/scenarios';

/** Module sets of older k6: v0.50 to v1.5, and v0.49 (the oldest the scenarios support). */
const OLDER_K6_MODULE_SETS: readonly K6ModuleSet[] = [
  { timers: 'k6/timers', websockets: 'k6/experimental/websockets' },
  { timers: 'k6/experimental/timers', websockets: 'k6/experimental/websockets' },
];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const say = (line: string): void => {
  if (!quiet) process.stdout.write(`${line}\n`);
};

async function main(): Promise<void> {
  const entries = NODE_ENTRIES.filter((e) => existsSync(join(root, e)));
  await buildNode(root, entries);
  say(`built ${entries.length} node entries into dist/node`);
  if (args.has('--node-only')) return;
  const { bundles } = await buildScenarios({ root });
  say(`built ${Object.keys(bundles).length} scenarios into dist/k6: ${Object.keys(bundles).join(', ')}`);
  // One build per set of version-dependent module paths that a supported k6 has, each in its own
  // folder: the runner builds the one its k6 needs before a run; these are for running by hand.
  for (const modules of OLDER_K6_MODULE_SETS) {
    const { outDir } = await buildScenarios({ root, modules });
    say(`built them for k6 with ${modules.timers} and ${modules.websockets} into ${relative(root, outDir)}`);
  }
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'scenarios/tsconfig.json')], {
    stdio: 'inherit',
  });
  if (tsc.status !== 0) throw new Error('scenario type-check failed (see above)');
  say('type-checked scenarios against @types/k6');
}

main().catch((err: unknown) => {
  process.stderr.write(`build failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
