// Runs one k6 script on the embedded engine and, when available, on real k6, and returns both
// results in one shape so conformance tests can compare them.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runEmbedded } from '../../engine/index';
import { parseSampleLine, type MetricLine, type PointLine, type SampleLine } from '../../engine/samples';
import { locateK6 } from '../../runner/k6/locate';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCRIPTS = join(ROOT, 'test', 'engine', 'scripts');

export interface RunOutcome {
  exitCode: number;
  points: PointLine[];
  metrics: MetricLine[];
  logs: string[];
  stdout: string;
}

export interface RunInput {
  script: string;
  env?: Record<string, string>;
  workers?: number;
}

function split(lines: readonly SampleLine[]): { points: PointLine[]; metrics: MetricLine[] } {
  const points: PointLine[] = [];
  const metrics: MetricLine[] = [];
  for (const l of lines) {
    if (l.type === 'Point') points.push(l);
    else metrics.push(l);
  }
  return { points, metrics };
}

export async function runOnEngine(input: RunInput): Promise<RunOutcome> {
  const lines: SampleLine[] = [];
  const logs: string[] = [];
  const r = await runEmbedded({
    bundlePath: join(SCRIPTS, input.script),
    env: input.env ?? {},
    workers: input.workers ?? 1,
    onSamples: (b) => lines.push(...b),
    onLog: (_level, line) => logs.push(line),
  });
  return { exitCode: r.exitCode, ...split(lines), logs, stdout: r.summaryFiles?.stdout ?? '' };
}

/** The real k6 binary: K6_BIN, the project cache or PATH (runner/k6/locate.ts). */
export function k6Binary(): { path?: string; reason: string } {
  try {
    const loc = locateK6(ROOT);
    if (loc !== undefined) return { path: loc.path, reason: `k6 from ${loc.source}` };
  } catch (err) {
    return { reason: err instanceof Error ? err.message : String(err) };
  }
  return { reason: 'no k6 binary found (set K6_BIN, build it with `npm run k6:build`, or put k6 on PATH)' };
}

export function runOnK6(k6: string, input: RunInput): Promise<RunOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetload-k6-'));
  const out = join(dir, 'out.json');
  const args = ['run', join(SCRIPTS, input.script), '--out', `json=${out}`, '--quiet'];
  for (const [k, v] of Object.entries(input.env ?? {})) args.push('-e', `${k}=${v}`);
  return new Promise<RunOutcome>((resolve, reject) => {
    const child = spawn(k6, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const lines: SampleLine[] = [];
      if (existsSync(out)) {
        for (const text of readFileSync(out, 'utf8').split('\n')) {
          const l = parseSampleLine(text);
          if (l !== undefined) lines.push(l);
        }
      }
      rmSync(dir, { recursive: true, force: true });
      const logs = stderr
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          const m = /msg="((?:[^"\\]|\\.)*)"/.exec(l);
          return m === null ? l : (JSON.parse(`"${m[1]}"`) as string);
        });
      resolve({ exitCode: code ?? -1, ...split(lines), logs, stdout });
    });
  });
}

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

export function countPoints(points: readonly PointLine[], metric: string, filter: Record<string, string> = {}): number {
  let n = 0;
  for (const p of points) {
    if (p.metric !== metric) continue;
    if (Object.entries(filter).every(([k, v]) => p.data.tags?.[k] === v)) n += p.data.value;
  }
  return n;
}

/** A loopback server: /ua echoes the User-Agent, /redirect → 302 to /ok, /404 → 404, else 200 JSON. */
export async function startServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '').startsWith('/ua')) {
      res.end(req.headers['user-agent'] ?? '');
      return;
    }
    if ((req.url ?? '').startsWith('/redirect')) {
      res.statusCode = 302;
      res.setHeader('location', '/ok?from=redirect');
      res.end();
      return;
    }
    if ((req.url ?? '').startsWith('/404')) {
      res.statusCode = 404;
      res.end('nope');
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
