// The simulator's CLI: `npm run simulator -- [flags]`. Prints one JSON line once listening and
// exits cleanly on SIGINT/SIGTERM (saving state when --state-file is set). Bad flags: one line
// naming the flag on stderr, exit code 2.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { FaultParseError, parseErrorRates, parseLatency, type LatencySpec, type RouteGroup } from './faults';
import { OptionError, DEFAULT_OPTIONS, resolveOptions, type SimulatorOptions } from './options';
import { startSimulator } from './server';

const EXIT_USAGE = 2;

function intArg(min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`must be an integer in ${min}..${max}`);
    return n;
  };
}

function numArg(min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`must be a number in ${min}..${max}`);
    return n;
  };
}

function latencyArg(v: string): LatencySpec {
  try {
    return parseLatency(v);
  } catch (err) {
    if (err instanceof FaultParseError) throw new InvalidArgumentError(err.message);
    throw err;
  }
}

function errorRateArg(v: string, previous: Partial<Record<RouteGroup, number>> | undefined): Partial<Record<RouteGroup, number>> {
  try {
    return { ...(previous ?? {}), ...parseErrorRates(v) };
  } catch (err) {
    if (err instanceof FaultParseError) throw new InvalidArgumentError(err.message);
    throw err;
  }
}

interface Flags {
  host: string;
  port: number;
  registrationToken: string;
  operatorToken: string;
  registrationWorkers: number;
  registrationCostMs: number;
  registrationCostMode: 'wait' | 'cpu';
  leaseDuration: number;
  leaseGrace: number;
  maxBodyBytes: number;
  latencyMs?: number;
  latencyJitterMs?: number;
  latency?: LatencySpec;
  errorRate?: Partial<Record<RouteGroup, number>>;
  maxInflight: number;
  stateFile?: string;
  stateSaveInterval: number;
  eventsPerNamespace: number;
  maxWaitSeconds: number;
  defaultWatchSeconds: number;
  processMetrics: boolean;
}

/** Option keys back to the flags that set them, so option errors name the flag the user typed. */
const FLAG_OF: Record<string, string> = {
  host: '--host',
  port: '--port',
  registrationToken: '--registration-token',
  operatorToken: '--operator-token',
  registrationWorkers: '--registration-workers',
  registrationCostMs: '--registration-cost-ms',
  registrationCostMode: '--registration-cost-mode',
  leaseDurationSeconds: '--lease-duration',
  leaseGrace: '--lease-grace',
  maxBodyBytes: '--max-body-bytes',
  'faults.maxInflight': '--max-inflight',
  stateFile: '--state-file',
  stateSaveIntervalSeconds: '--state-save-interval',
  eventsPerNamespace: '--events-per-namespace',
  maxWaitSeconds: '--max-wait-seconds',
  defaultWatchSeconds: '--default-watch-seconds',
};

function usageError(message: string): never {
  process.stderr.write(`simulator: ${message}\n`);
  process.exit(EXIT_USAGE);
}

function toOptions(f: Flags): Partial<SimulatorOptions> {
  if (f.latency !== undefined && (f.latencyMs !== undefined || f.latencyJitterMs !== undefined))
    usageError('--latency cannot be combined with --latency-ms/--latency-jitter-ms');
  const latency: LatencySpec =
    f.latency ??
    (f.latencyMs !== undefined || f.latencyJitterMs !== undefined
      ? { kind: 'fixed', ms: f.latencyMs ?? 0, jitterMs: f.latencyJitterMs ?? 0 }
      : { kind: 'none' });
  return {
    host: f.host,
    port: f.port,
    registrationToken: f.registrationToken,
    operatorToken: f.operatorToken,
    registrationWorkers: f.registrationWorkers,
    registrationCostMs: f.registrationCostMs,
    registrationCostMode: f.registrationCostMode,
    leaseDurationSeconds: f.leaseDuration,
    leaseGrace: f.leaseGrace,
    maxBodyBytes: f.maxBodyBytes,
    faults: { latency, errorRate: f.errorRate ?? {}, maxInflight: f.maxInflight },
    stateFile: f.stateFile ?? null,
    stateSaveIntervalSeconds: f.stateSaveInterval,
    eventsPerNamespace: f.eventsPerNamespace,
    maxWaitSeconds: f.maxWaitSeconds,
    defaultWatchSeconds: f.defaultWatchSeconds,
    processMetrics: f.processMetrics,
  };
}

export function buildCli(): Command {
  const d = DEFAULT_OPTIONS;
  return new Command('simulator')
    .description('fleetload reference control plane (fleetload.sim/v1)')
    .option('--host <host>', 'address to listen on', d.host)
    .option('--port <port>', 'port to listen on; 0 = ephemeral', intArg(0, 65535), d.port)
    .option('--registration-token <token>', 'bearer token for registration', d.registrationToken)
    .option('--operator-token <token>', 'bearer token for bundles, reads, patches, deletes and /admin', d.operatorToken)
    .option('--registration-workers <n>', 'credential-issuing workers', intArg(1, 10_000), d.registrationWorkers)
    .option('--registration-cost-ms <ms>', 'time one worker takes to issue one credential', numArg(0, 600_000), d.registrationCostMs)
    .addOption(
      new Option('--registration-cost-mode <mode>', 'wait: cost spent elsewhere (external CA); cpu: burns the simulator\'s own CPU')
        .choices(['wait', 'cpu'])
        .default(d.registrationCostMode),
    )
    .option('--lease-duration <seconds>', 'lease duration', numArg(0.01, 86_400), d.leaseDurationSeconds)
    .option('--lease-grace <factor>', 'lease lapses after duration x factor without renewal', numArg(1, 1000), d.leaseGrace)
    .option('--max-body-bytes <n>', 'larger request bodies get 413', intArg(64, 1024 * 1024 * 1024), d.maxBodyBytes)
    .option('--latency-ms <ms>', 'fixed latency added to every API request', numArg(0, 600_000))
    .option('--latency-jitter-ms <ms>', 'uniform random latency added on top of --latency-ms', numArg(0, 600_000))
    .option('--latency <spec>', 'latency distribution: none | fixed:ms=5,jitter=2 | uniform:min=1,max=9 | lognormal:median=5,p99=50', latencyArg)
    .option('--error-rate <group=fraction>', 'answer 503 to this fraction of a route group (repeatable, comma-separated)', errorRateArg)
    .option('--max-inflight <n>', 'answer 429 beyond this many requests in flight; 0 = unlimited', intArg(0, 1_000_000), d.faults.maxInflight)
    .option('--state-file <path>', 'load state from and save it to this file')
    .option('--state-save-interval <seconds>', 'how often state is saved when it changed', numArg(0.05, 86_400), d.stateSaveIntervalSeconds)
    .option('--events-per-namespace <n>', 'events kept per namespace (ring)', intArg(0, 1_000_000), d.eventsPerNamespace)
    .option('--max-wait-seconds <s>', 'upper bound of timeoutSeconds/waitSeconds on long polls', numArg(0, 3600), d.maxWaitSeconds)
    .option('--default-watch-seconds <s>', 'timeoutSeconds of a deployment watch without one', numArg(0, 3600), d.defaultWatchSeconds)
    .addOption(new Option('--no-process-metrics', 'leave out prom-client default process metrics'))
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str.split('\n')[0] + '\n') });
}

async function main(argv: readonly string[]): Promise<void> {
  const cli = buildCli();
  try {
    cli.parse(argv as string[]);
  } catch (err) {
    if (err instanceof CommanderError) {
      const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help';
      process.exit(ok ? 0 : EXIT_USAGE);
    }
    throw err;
  }
  let options: Readonly<SimulatorOptions>;
  try {
    options = resolveOptions(toOptions(cli.opts<Flags>()));
  } catch (err) {
    if (err instanceof OptionError) usageError(`${FLAG_OF[err.option] ?? err.option}: ${err.message.slice(err.option.length + 2)}`);
    throw err;
  }
  const sim = await startSimulator(options);
  process.stdout.write(`${JSON.stringify({ event: 'listening', url: sim.url, pid: process.pid })}\n`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`simulator: second ${signal}, exiting without waiting\n`);
      process.exit(1);
    }
    stopping = true;
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`simulator: shutdown failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main(process.argv).catch((err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') usageError(`--port/--host: cannot listen: ${(err as Error).message}`);
  process.stderr.write(`simulator: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
