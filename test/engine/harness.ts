// Runs one k6 script on the embedded engine and, when available, on real k6, and returns both
// results in one shape so conformance tests can compare them.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEmbedded } from '../../engine/index';
import { parseSampleLine, type MetricLine, type PointLine, type SampleLine } from '../../engine/samples';
import { ROOT, SCRIPTS } from '../../engine/test-support';
import { probeK6, timersModuleFor, websocketsModuleFor, type K6Version } from '../../runner/engines/k6';
import { locateK6 } from '../../runner/k6/locate';

export { buildEngineForTests, cleanupEngineBuild, ROOT, SCRIPTS } from '../../engine/test-support';

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

export interface K6UnderTest {
  path: string;
  version: K6Version;
  /**
   * The timers module this k6 has, which the scripts then import (as the product's bundles do);
   * the websockets module follows from the version (websocketsModuleFor).
   */
  timersModule: 'k6/timers' | 'k6/experimental/timers';
}

/** The real k6 binary: K6_BIN, the project cache or PATH (runner/k6/locate.ts), and its version. */
export function k6Binary(): { k6?: K6UnderTest; reason: string } {
  try {
    const loc = locateK6(ROOT);
    if (loc !== undefined) {
      const version = probeK6(loc);
      return { k6: { path: loc.path, version, timersModule: timersModuleFor(version) }, reason: `k6 ${version.text} from ${loc.source}` };
    }
  } catch (err) {
    return { reason: err instanceof Error ? err.message : String(err) };
  }
  return { reason: 'no k6 binary found (set K6_BIN, build it with `npm run k6:build`, or put k6 on PATH)' };
}

const VERSIONED_IMPORT = /(\brequire\(\s*|\bfrom\s+|\bimport\s+)(['"])k6\/(?:experimental\/)?(timers|websockets)\2/g;

/** The path this k6 has for a version-dependent module: the timers it was given, websockets by its version. */
function versionedPath(k6: K6UnderTest, module: string): string {
  return module === 'timers' ? k6.timersModule : websocketsModuleFor(k6.version);
}

/**
 * The script as the k6 under test must see it: the scripts import k6/timers and k6/websockets,
 * which older k6 has only under k6/experimental/ (timers before v0.50, websockets before v1.6);
 * the product's bundles make the same choice (runner/build/scenarios.ts). Returns the script's
 * own path when nothing needs to change.
 */
export function scriptForK6(k6: K6UnderTest, script: string, dir: string): string {
  const path = join(SCRIPTS, script);
  const source = readFileSync(path, 'utf8');
  const missed = /['"]k6\/(?:experimental\/)?(?:timers|websockets)['"]/.exec(source.replace(VERSIONED_IMPORT, ''));
  if (missed !== null) throw new Error(`${script}: a k6 module import the harness cannot rewrite: ${missed[0]}`);
  const rewritten = source.replace(VERSIONED_IMPORT, (_m, head: string, q: string, module: string) => `${head}${q}${versionedPath(k6, module)}${q}`);
  if (rewritten === source) return path;
  const copy = join(dir, script);
  writeFileSync(copy, rewritten);
  return copy;
}

export function runOnK6(k6: K6UnderTest, input: RunInput): Promise<RunOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetload-k6-'));
  const out = join(dir, 'out.json');
  const args = ['run', scriptForK6(k6, input.script, dir), '--out', `json=${out}`, '--quiet'];
  for (const [k, v] of Object.entries(input.env ?? {})) args.push('-e', `${k}=${v}`);
  return new Promise<RunOutcome>((resolve, reject) => {
    const child = spawn(k6.path, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } });
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
