// .github/workflows/nightly-scale.yml against the project: scripts, subcommands and exit codes it
// relies on exist and mean what its messages say (check.ts), plus the parts of the job's contract
// a YAML typo would silently break (triggers, cache key, arguments, artifact, summary, history).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROFILE_NAMES } from '../../k6.config';
import { buildProgram } from '../../runner/cli';
import { COMPARE_EXIT, EXIT } from '../../runner/exit-codes';
import { packageRoot } from '../../runner/root';
import { checkWorkflow, type Step, type Workflow } from './check';
import { EXIT_CODES_BY_COMMAND } from './meanings';

const root = packageRoot();
const workflow = parse(readFileSync(join(root, '.github/workflows/nightly-scale.yml'), 'utf8')) as Workflow & { on: Record<string, { inputs?: Record<string, { options?: string[] }> } | null> };
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const job = workflow.jobs!.scale!;
const steps: Step[] = job.steps ?? [];
const step = (id: string): Step => {
  const s = steps.find((x) => x.id === id || x.name === id);
  if (!s) throw new Error(`no step ${id}`);
  return s;
};
let commands: string[] = [];

beforeAll(() => {
  commands = buildProgram().commands.map((c) => c.name());
});

describe('nightly-scale.yml', () => {
  it('runs only npm scripts and fleetload subcommands that exist, and tests only documented exit codes with their meanings', () => {
    expect(commands).toEqual(expect.arrayContaining(['run', 'compare', 'report', 'baseline']));
    const report = checkWorkflow(workflow, { scripts: pkg.scripts, commands, exitCodes: EXIT_CODES_BY_COMMAND });
    expect(report.problems).toEqual([]);
    // It did look: the verdict step's arms and the history step's condition were all checked.
    expect(report.comparisons.length).toBeGreaterThanOrEqual(Object.keys(EXIT).length + Object.keys(COMPARE_EXIT).length);
  });

  it('handles every exit code of the run and of compare in the verdict step, inconclusive apart from a regression', () => {
    const { comparisons } = checkWorkflow(workflow, { scripts: pkg.scripts, commands, exitCodes: EXIT_CODES_BY_COMMAND });
    const arms = (command: string): number[] => comparisons.filter((c) => c.step === 'Verdict' && c.command === command && c.form === 'case arm').map((c) => c.code).sort((a, b) => a - b);
    expect(arms('run')).toEqual(Object.values(EXIT).sort((a, b) => a - b));
    expect(arms('compare')).toEqual(Object.values(COMPARE_EXIT).sort((a, b) => a - b));
    const inconclusive = comparisons.find((c) => c.command === 'run' && c.code === EXIT.inconclusive)!;
    const regression = comparisons.find((c) => c.command === 'compare' && c.code === COMPARE_EXIT.worse)!;
    expect(inconclusive.body).toMatch(/Inconclusive/);
    expect(regression.body).toMatch(/Regression/);
    expect(inconclusive.body).not.toMatch(/regression/i);
    // Failing arms set failed=1 and the step exits with it; the passing ones do not.
    for (const c of comparisons.filter((x) => x.step === 'Verdict')) expect(c.body!.includes('failed=1')).toBe(!(c.code === 0));
    expect(step('Verdict').run).toMatch(/exit "\$failed"\s*$/);
    expect(step('Verdict').if).toBe('${{ always() }}');
  });

  it('captures the exit codes with set +e instead of failing the step', () => {
    for (const id of ['run', 'compare']) {
      expect(step(id).run).toMatch(/^set \+e$/m);
      expect(step(id).run).toMatch(/echo "rc=\$\?" >> "\$GITHUB_OUTPUT"/);
    }
  });

  it('triggers nightly and by hand with the clusters, profile and kubeconfig-secret inputs', () => {
    expect(workflow.on.schedule).toBeTruthy();
    const inputs = workflow.on.workflow_dispatch?.inputs ?? {};
    expect(Object.keys(inputs).sort()).toEqual(['clusters', 'kubeconfig_secret', 'profile']);
    expect([...(inputs.profile?.options ?? [])].sort()).toEqual([...PROFILE_NAMES].sort());
  });

  it('is bounded, sets up Node 20 and the Go the builds need, caches k6 on its pin', () => {
    expect(job['timeout-minutes']).toBeGreaterThan(0);
    expect(step('Run')['timeout-minutes']).toBeLessThan(job['timeout-minutes']!);
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version']).toBe(20);
    const goMod = readFileSync(join(root, 'kube/apiserver/go.mod'), 'utf8');
    const needed = /^go (\d+\.\d+)/m.exec(goMod)![1];
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-go@'))?.with?.['go-version']).toBe(needed);
    const cache = steps.find((s) => s.uses?.startsWith('actions/cache@'));
    expect(cache?.with?.path).toBe('.cache/k6');
    expect(String(cache?.with?.key)).toContain("hashFiles('k6.pin.json')");
    const order = ['npm ci', 'npm run k6:build', 'npm run scale', 'npm run compare'].map((cmd) => steps.findIndex((s) => (s.run ?? '').includes(cmd)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order.every((i) => i >= 0)).toBe(true);
  });

  it('runs the profile with the release, run id and reports dir, a kubeconfig only when a secret is named', () => {
    expect(workflow.env?.RUN_ID).toBe('nightly-${{ github.run_id }}');
    expect(workflow.env?.PROFILE).toBe("${{ inputs.profile || 'nightly' }}");
    const run = step('run').run!;
    expect(run).toContain('--profile "$PROFILE" --release "$GITHUB_SHA" --run-id "$RUN_ID" --reports-dir reports');
    expect(run).toContain('args+=(--kubeconfig "$KUBECONFIG_FILE")');
    expect(run).not.toContain('--target');
    expect(step('Target').if).toBe("${{ inputs.kubeconfig_secret != '' }}");
    expect(step('compare').run).toContain('npm run compare -- baseline "reports/$RUN_ID" --history "$HISTORY_DIR"');
  });

  it('uploads the run directory and appends compare.md to the job summary, whatever the outcome', () => {
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.with?.path).toBe('reports/${{ env.RUN_ID }}/');
    expect(upload.if).toBe('${{ always() }}');
    const summary = step('Job summary');
    expect(summary.run).toContain('cat "reports/$RUN_ID/compare.md"');
    expect(summary.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
  });

  it('keeps the history on the perf-history branch, adding only clean runs and keeping the newest N', () => {
    const record = step('Record the run in the history');
    expect(String(record.if)).toContain("steps.run.outputs.rc == '0'");
    expect(record.run).toContain('git push -q origin HEAD:refs/heads/perf-history');
    expect(record.run).toContain('head -n "-$HISTORY_KEEP"');
    expect(Number(workflow.env?.HISTORY_KEEP)).toBeGreaterThanOrEqual(3);
  });

  it('has shell steps bash can parse, none interpolating inputs or event data into the script', () => {
    for (const s of steps.filter((x) => x.run !== undefined)) {
      const res = spawnSync('bash', ['-n'], { input: s.run, encoding: 'utf8' });
      expect(res.stderr, `${s.name ?? s.id ?? s.run}`).toBe('');
      // Expressions are expanded before bash sees the script: untrusted text there is code.
      expect(s.run).not.toMatch(/\$\{\{/);
    }
  });
});
