// What the engine's tests and the conformance suite (test/engine/) share: the k6 scripts they run
// and the engine built as a separate process runs it. Only tests import this file.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SCRIPTS = join(ROOT, 'test', 'engine', 'scripts');

let built: Promise<string> | undefined;

/**
 * Bundles engine/cli.ts and engine/worker.ts as runner/build/node.ts does, but into a directory
 * of this test process (under node_modules/.cache, so that packages still resolve): parallel
 * test files must not rewrite the dist/ files another one is running. Returns the cli.js path;
 * its sibling worker.js is what runs in worker threads.
 */
export function buildEngineForTests(): Promise<string> {
  built ??= (async () => {
    const { build } = await import('esbuild');
    const outdir = join(ROOT, 'node_modules', '.cache', 'fleetload-engine-test', String(process.pid), 'engine');
    await build({
      entryPoints: [join(ROOT, 'engine', 'cli.ts'), join(ROOT, 'engine', 'worker.ts')],
      outdir,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
    });
    process.env.FLEETLOAD_ENGINE_WORKER = join(outdir, 'worker.js');
    return join(outdir, 'cli.js');
  })();
  return built;
}

/** Removes this process's engine build (call from afterAll). */
export async function cleanupEngineBuild(): Promise<void> {
  if (built === undefined) return;
  const cli = await built;
  built = undefined;
  delete process.env.FLEETLOAD_ENGINE_WORKER;
  rmSync(dirname(dirname(cli)), { recursive: true, force: true });
}

