// The fleetload command line. `npm run scale -- FLAGS` is `fleetload run FLAGS`.
import { Command, CommanderError, Option } from 'commander';
import { PROFILE_NAMES } from '../k6.config';
import { PROTOCOLS } from '../scenarios/protocols/index';
import { ENGINE_CHOICES, type RunFlags } from './config/resolve';
import { EXIT, exitCodeHelp } from './exit-codes';
import { FleetloadError, UsageError, errorMessage } from './errors';
import { packageRoot } from './root';
import { runBaselineSave } from './baseline/save';
import { COMPARE_EXIT_HELP, runCompare } from './compare/command';
import { readRun, shownPath } from './compare/load';
import { writeReportHtml } from './report/html/report';
import { registerDoctor } from './doctor/index';
import { runScale } from './run';

const EXIT_HELP = exitCodeHelp();

function fail(message: string, code: number): never {
  process.stderr.write(`fleetload: ${message}\n`);
  process.exit(code);
}

export function buildProgram(): Command {
  const program = new Command('fleetload')
    .description('Scale-test harness for multi-cluster control planes')
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .showSuggestionAfterError(true);

  program
    .command('run', { isDefault: true })
    .description('Run the virtual agent fleet against a target, judge the SLOs and write reports/<run-id>/')
    .option('--clusters <n>', 'virtual clusters (agents) in the fleet')
    .addOption(new Option('--profile <name>', 'profile from k6.config.ts').choices([...PROFILE_NAMES]))
    .option('--duration <d>', 'run length, e.g. 60s, 10m')
    .option('--target <url>', 'control plane to load (default: start the built-in simulator on a free loopback port)')
    .option('--kubeconfig <path>', 'kubeconfig naming a Kubernetes API server target, for protocols that speak Kubernetes instead of --target (default for those: KUBECONFIG, as kubectl merges it, else ~/.kube/config)')
    .option('--context <name>', 'context of the kubeconfig (default: its current-context)')
    .option('--insecure-skip-tls-verify', 'do not verify the Kubernetes API server\'s certificate (TLS is verified by default)')
    .addOption(new Option('--protocol <name>', 'how the agents talk to the target (default: from the profile, fleetload-sim)').choices(PROTOCOLS.names()))
    .addOption(new Option('--engine <engine>', 'load engine: real k6 if found, else embedded').choices([...ENGINE_CHOICES]).default('auto'))
    .option('--agents-per-vu <n>', 'agents each VU runs on its scheduler (default: chosen from --clusters)')
    .option('--slo-warmup <d>', 'leave the first part of the run out of the API latency SLOs, e.g. 5m')
    .option('--metrics-addr <host:port>', 'where the Prometheus exporter listens', '127.0.0.1:9464')
    .option('--no-metrics', 'do not start the Prometheus exporter')
    .option('--k6-prometheus-rw <url>', 'also send real k6\'s own metrics to this Prometheus remote-write URL (k6 engine only)')
    .option('--run-id <id>', 'name of this run (default: timestamp and random suffix)')
    .option('--release <label>', 'release label of the target, carried into metrics and reports', 'dev')
    .option('--reports-dir <dir>', 'where reports/<run-id>/ go', 'reports')
    .option('--set <path=value>', 'override any k6.config.ts field, e.g. --set agent.heartbeatIntervalS=30 (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--quiet', 'no progress lines (the plan, target and metrics lines, errors and the verdict still print)')
    .option('--json-progress', 'progress as one JSON object a line (for tools)')
    .option('--dry-run', 'check the configuration and the target, print the plan, send no load')
    .option('--registration-token <token>', 'the target\'s registration token')
    .option('--operator-token <token>', 'the target\'s operator token')
    .addHelpText('after', EXIT_HELP)
    .action(async (opts: RunFlags & { quiet?: boolean; jsonProgress?: boolean; dryRun?: boolean }) => {
      const { quiet, jsonProgress, dryRun, ...flags } = opts;
      if (quiet && jsonProgress) throw new UsageError('--quiet', 'cannot be combined with --json-progress', 'choose one of them');
      const { exitCode } = await runScale(flags, {
        root: packageRoot(),
        write: (text) => process.stdout.write(text),
        isTty: process.stdout.isTTY === true,
        progress: quiet ? 'quiet' : jsonProgress ? 'json' : 'auto',
        dryRun: dryRun === true,
      });
      process.exitCode = exitCode;
    });

  program
    .command('report')
    .description('Write report.html again from a run\'s summary.json (after an upgrade, or for a run copied from CI)')
    .argument('<run>', 'a run directory or its summary.json')
    .action(async (run: string) => {
      const { summary, dir } = await readRun(run);
      const file = await writeReportHtml(dir, summary);
      process.stdout.write(`written: ${shownPath(file)}\n`);
    });

  program
    .command('compare')
    .description('Compare two runs SLI by SLI against a noise model: better, worse, within noise or inconclusive; writes compare.md, compare.json and compare.html')
    .argument('<a>', 'the reference: a run directory, its summary.json, or "baseline" (the saved baseline of B\'s profile)')
    .argument('<b>', 'the candidate: the same forms ("baseline" compares A against the baseline of A\'s profile)')
    .option('--history <dir>', 'a directory of earlier runs like A (3 or more) whose spread widens the noise band')
    .option('--out <dir>', 'where the comparison files go (default: B\'s run directory)')
    .addHelpText('after', COMPARE_EXIT_HELP)
    .action(async (a: string, b: string, opts: { history?: string; out?: string }) => {
      process.exitCode = await runCompare({ a, b, history: opts.history, out: opts.out, root: packageRoot(), write: (t) => process.stdout.write(t) });
    });

  const baseline = program.command('baseline').description('Keep a run as the baseline that "compare baseline <run>" reads');
  baseline
    .command('save')
    .description('Save a complete run\'s summary.json as the baseline of its profile (reports/baselines/<profile>/summary.json under the package root)')
    .argument('<run>', 'a run directory or its summary.json')
    .option('--force', 'save an interrupted or failed run too')
    .action(async (run: string, opts: { force?: boolean }) => {
      process.exitCode = await runBaselineSave({ runDir: run, root: packageRoot(), force: opts.force === true, write: (t) => process.stdout.write(t) });
    });

  registerDoctor(program);

  program.addHelpText('after', exitCodeHelp('Exit codes of run (compare and doctor list their own in their --help):'));
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') process.exit(0);
      // One line: commander puts its "(Did you mean …?)" on a line of its own.
      fail(`${err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').replace(/\.$/, '')}; see --help`, EXIT.usage);
    }
    if (err instanceof FleetloadError) fail(err.message, err.exitCode);
    fail(`unexpected failure: ${errorMessage(err)}`, EXIT.targetOrEngine);
  }
}

