// `npm run build`: bundle the Node side and the scenarios, then type-check the scenarios against
// @types/k6. `--node-only` skips the scenarios (the runner builds them itself before a run).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNode, NODE_ENTRIES } from '../runner/build/node';
import { buildScenarios } from '../runner/build/scenarios';

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
  await buildScenarios({ root, timersModule: 'k6/experimental/timers' });
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
