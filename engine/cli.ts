// `k6 run` look-alike over runEmbedded:
//   node dist/node/engine/cli.js run <script.js> [--out json=FILE] [-e KEY=VALUE]... [--vus N]
//     [--duration D] [--iterations N] [--workers N] [--quiet] [--no-summary]
// Exit codes are k6's; every failure is one line on stderr.
import { createWriteStream, writeFileSync, type WriteStream } from 'node:fs';
import { K6_EXIT } from './exit-codes';
import { runEmbedded } from './index';
import { formatSampleLine, type SampleLine } from './samples';

interface CliArgs {
  script: string;
  outs: string[];
  env: Record<string, string>;
  overrides: Record<string, unknown>;
  workers: number | undefined;
  quiet: boolean;
  summary: boolean;
  systemEnv: boolean;
}

class UsageError extends Error {}

const USAGE = 'usage: cli.js run <script.js> [--out json=FILE] [-e KEY=VALUE]... [--vus N] [--duration D] [--iterations N] [--workers N] [--quiet] [--no-summary]';

function positiveInt(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < 0) throw new UsageError(`invalid value for ${flag}: ${JSON.stringify(v)}`);
  return n;
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  const args = [...argv];
  if (args[0] !== 'run') throw new UsageError(USAGE);
  args.shift();
  const out: CliArgs = { script: '', outs: [], env: {}, overrides: {}, workers: undefined, quiet: false, summary: true, systemEnv: true };
  while (args.length > 0) {
    let a = args.shift() as string;
    let inline: string | undefined;
    if (a.startsWith('--') && a.includes('=')) {
      inline = a.slice(a.indexOf('=') + 1);
      a = a.slice(0, a.indexOf('='));
    }
    const value = (): string => {
      const v = inline ?? args.shift();
      if (v === undefined) throw new UsageError(`flag needs an argument: ${a}`);
      return v;
    };
    switch (a) {
      case '-o':
      case '--out':
        out.outs.push(value());
        break;
      case '-e':
      case '--env': {
        const kv = value();
        const eq = kv.indexOf('=');
        if (eq <= 0) throw new UsageError(`invalid env var "${kv}", expected KEY=VALUE`);
        out.env[kv.slice(0, eq)] = kv.slice(eq + 1);
        break;
      }
      case '-u':
      case '--vus':
        out.overrides.vus = positiveInt(a, value());
        break;
      case '-i':
      case '--iterations':
        out.overrides.iterations = positiveInt(a, value());
        break;
      case '-d':
      case '--duration':
        out.overrides.duration = value();
        break;
      case '--workers':
        out.workers = Math.max(1, positiveInt(a, value()));
        break;
      case '-q':
      case '--quiet':
        out.quiet = true;
        break;
      case '--no-summary':
        out.summary = false;
        break;
      case '--include-system-env-vars':
        out.systemEnv = inline === undefined ? true : inline !== 'false';
        break;
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown flag: ${a}`);
        if (out.script !== '') throw new UsageError(`unexpected argument: ${a}`);
        out.script = a;
    }
  }
  if (out.script === '') throw new UsageError(USAGE);
  return out;
}

function logLine(level: string, line: string): string {
  return `time="${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}" level=${level === 'warn' ? 'warning' : level} msg=${JSON.stringify(line)}`;
}

async function main(argv: readonly string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return K6_EXIT.unclassified;
  }
  const streams: WriteStream[] = [];
  for (const o of args.outs) {
    if (!o.startsWith('json=')) {
      process.stderr.write(`unsupported output "${o}": the embedded engine writes json=FILE only\n`);
      return K6_EXIT.invalidConfig;
    }
    streams.push(createWriteStream(o.slice(5)));
  }
  const ctl = new AbortController();
  let signals = 0;
  const onSignal = (): void => {
    signals++;
    if (signals === 1) ctl.abort();
    else process.exit(K6_EXIT.externalAbort);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const env: Record<string, string> = {};
  if (args.systemEnv) for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, args.env);
  const result = await runEmbedded({
    bundlePath: args.script,
    env,
    optionOverrides: args.overrides,
    workers: args.workers,
    signal: ctl.signal,
    // Without an output nobody reads the points: they feed only thresholds and the summary.
    wanted: streams.length === 0 ? () => false : undefined,
    onSamples: (batch: readonly SampleLine[]) => {
      if (streams.length === 0) return;
      let text = '';
      for (const line of batch) text += `${formatSampleLine(line)}\n`;
      for (const s of streams) s.write(text);
    },
    onLog: (level, line) => {
      if (level === 'debug') return;
      process.stderr.write(`${logLine(level, line)}\n`);
    },
  });
  await Promise.all(streams.map((s) => new Promise<void>((r) => s.end(r))));
  if (args.summary && result.summaryFiles !== undefined) {
    for (const [name, content] of Object.entries(result.summaryFiles)) {
      if (name === 'stdout') process.stdout.write(content);
      else if (name === 'stderr') process.stderr.write(content);
      else {
        try {
          writeFileSync(name, content);
        } catch (err) {
          process.stderr.write(`${logLine('error', `could not write summary file ${name}: ${err instanceof Error ? err.message : String(err)}`)}\n`);
        }
      }
    }
  }
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return result.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => {
    // Exit explicitly: a keep-alive or timeout timer left in the HTTP pool must not hold the run.
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  },
  (err: unknown) => {
    process.stderr.write(`engine error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = K6_EXIT.unclassified;
  },
);
