// The workflow checker against bad snippets: it must be able to fail.
import { describe, expect, it } from 'vitest';
import { COMPARE_EXIT, EXIT } from '../../runner/exit-codes';
import { capturedSubcommand, checkWorkflow, exitCodeComparisons, fleetloadCalls, npmRuns, subcommandOfScript, type ProjectSpec, type Workflow } from './check';
import { COMPARE_CODES, EXIT_CODES_BY_COMMAND, RUN_CODES } from './meanings';

const PROJECT: ProjectSpec = {
  scripts: { scale: 'node bin/fleetload.js run', compare: 'node bin/fleetload.js compare', 'k6:build': 'tsx scripts/k6-build.ts' },
  commands: ['run', 'compare', 'report', 'baseline'],
  exitCodes: EXIT_CODES_BY_COMMAND,
};

/** A job with a run step, a compare step and a verdict step whose script is `verdict`. */
function workflow(verdict: string, extra: Partial<Workflow['jobs']> = {}): Workflow {
  return {
    jobs: {
      scale: {
        steps: [
          { id: 'run', run: 'set +e\nnpm run scale -- --profile nightly\necho "rc=$?" >> "$GITHUB_OUTPUT"' },
          { id: 'compare', run: 'set +e\nnpm run compare -- baseline reports/x\necho "rc=$?" >> "$GITHUB_OUTPUT"' },
          { id: 'verdict', env: { RUN_RC: '${{ steps.run.outputs.rc }}', COMPARE_RC: '${{ steps.compare.outputs.rc }}' }, run: verdict },
        ],
      },
      ...extra,
    },
  };
}

const problems = (w: Workflow): string[] => checkWorkflow(w, PROJECT).problems;

describe('the meaning patterns', () => {
  it('cover every documented code, so a new code cannot slip past the checker', () => {
    expect(Object.keys(RUN_CODES.meanings).sort()).toEqual(Object.keys(EXIT).sort());
    expect(Object.keys(COMPARE_CODES.meanings).sort()).toEqual(Object.keys(COMPARE_EXIT).sort());
  });
});

describe('shell parsing', () => {
  it('finds npm scripts, fleetload subcommands and exit-code comparisons', () => {
    expect(npmRuns('npm ci && npm run k6:build\nnpm run scale -- --x')).toEqual(['k6:build', 'scale']);
    expect(subcommandOfScript('node bin/fleetload.js compare')).toBe('compare');
    expect(fleetloadCalls('npx fleetload doctor --clusters 5\nfleetload report reports/x')).toEqual(['doctor', 'report']);
    // A sentence that mentions fleetload is not a call of it.
    expect(fleetloadCalls('echo "the run exited with 9, which is no fleetload exit code"')).toEqual([]);
    // The command whose code `$?` captures is the last one run before it, not one a message names.
    const scripts = { compare: 'node bin/fleetload.js compare', baseline: 'node bin/fleetload.js baseline' };
    expect(capturedSubcommand('echo "save one: npm run baseline -- save x"\nnpm run compare -- baseline r\necho "rc=$?"', scripts)).toBe('compare');
    expect(capturedSubcommand('x=$(npx fleetload report r); echo $?', scripts)).toBe('report');
    const cs = exitCodeComparisons('case "$RUN_RC" in\n  0|130) echo a ;;\n  x) echo b ;;\nesac\nif [ "$COMPARE_RC" -eq 1 ]; then echo worse; fi\n[ "$RUN_RC" -ne 0 ] && echo no');
    expect(cs.map((c) => [c.variable, c.code, c.form])).toEqual([
      ['RUN_RC', 0, 'case arm'],
      ['RUN_RC', 130, 'case arm'],
      ['COMPARE_RC', 1, '-eq'],
      ['RUN_RC', 0, '-ne'],
    ]);
    expect(cs[2]!.body).toBe('echo worse;');
  });
});

describe('checkWorkflow', () => {
  it('passes a verdict step that handles documented codes with their own messages', () => {
    const ok = workflow('case "$RUN_RC" in\n 0) echo "every SLO met" ;;\n 4) echo "inconclusive run"; exit 1 ;;\nesac\nif [ "$COMPARE_RC" -eq 1 ]; then echo "regression"; exit 1; fi');
    expect(problems(ok)).toEqual([]);
  });

  it('fails a workflow that checks -eq 5, which no fleetload run exits with', () => {
    const p = problems(workflow('if [ "$RUN_RC" -eq 5 ]; then echo "inconclusive"; exit 1; fi'));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/compared with 5 \(-eq\), which is no documented code of fleetload run/);
  });

  it('fails a case arm for an undocumented code, and a compare code only the run has', () => {
    expect(problems(workflow('case "$RUN_RC" in\n 42) echo "every SLO met" ;;\nesac'))[0]).toMatch(/compared with 42 \(case arm\)/);
    expect(problems(workflow('case "$COMPARE_RC" in\n 4) echo "inconclusive" ;;\nesac'))[0]).toMatch(/no documented code of fleetload compare/);
  });

  it('fails a branch whose message claims another code: "inconclusive" under exit 1, "regression" under an SLO breach', () => {
    expect(problems(workflow('case "$RUN_RC" in\n 1) echo "the run was inconclusive" ;;\nesac'))[0]).toMatch(/fleetload run's sloViolation, but its branch claims inconclusive/);
    expect(problems(workflow('if [ "$COMPARE_RC" -eq 1 ]; then echo "SLO breach"; fi'))[0]).toMatch(/compare's worse, but its branch claims none/);
    expect(problems(workflow('case "$RUN_RC" in\n 4) echo "inconclusive: SLO breach" ;;\nesac'))[0]).toMatch(/claims sloViolation and inconclusive/);
  });

  it('fails a comparison on a variable that is no fleetload exit code, or on a step that runs no fleetload command', () => {
    expect(problems(workflow('[ "$OTHER" -eq 1 ] && echo "SLO breach"'))[0]).toMatch(/\$OTHER is not set from a fleetload step's exit code/);
    const w = workflow('');
    w.jobs!.scale!.steps!.push({ id: 'late', env: { X: '${{ steps.build.outputs.rc }}' }, run: 'case "$X" in 0) echo "every SLO met" ;; esac' }, { id: 'build', run: 'npm run k6:build' });
    expect(problems(w)[0]).toMatch(/step build runs no fleetload command/);
  });

  it('checks the codes in if: expressions too', () => {
    const w = workflow('');
    w.jobs!.scale!.steps!.push({ name: 'record', if: "${{ steps.run.outputs.rc == '0' && steps.compare.outputs.rc == '7' }}", run: 'true' });
    const p = problems(w);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/compared with 7 \(if: ==\), which is no documented code of fleetload compare/);
  });

  it('fails an npm script that does not exist and a fleetload subcommand that does not exist', () => {
    const w = workflow('');
    w.jobs!.scale!.steps!.push({ run: 'npm run nightly\nnpx fleetload benchmark' });
    expect(problems(w)).toEqual([
      'scale/step 4: npm run nightly: package.json has no such script',
      'scale/step 4: fleetload benchmark: no such subcommand (fleetload has run, compare, report, baseline)',
    ]);
  });
});
