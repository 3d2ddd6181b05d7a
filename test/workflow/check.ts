// Checks a GitHub Actions workflow against the project: every `npm run X` is a package.json script,
// every fleetload subcommand (direct, or behind an npm script) exists, and every exit code the
// shell compares against is a documented code of the command that produced it, handled by a
// branch whose message claims that code's meaning. Pure functions over the parsed YAML, so the
// unit tests can feed it bad snippets and see it complain.

export type CodeTable = Readonly<Record<string, number>>;

/** What one fleetload subcommand's exit codes are and how a message claims each meaning. */
export interface CodeSpec {
  /** Name → code, e.g. EXIT or COMPARE_EXIT. */
  codes: CodeTable;
  /** Name → what a message about that code must say; a message must match its own and no other. */
  meanings: Readonly<Record<string, RegExp>>;
}

export interface ProjectSpec {
  /** package.json's scripts. */
  scripts: Readonly<Record<string, string>>;
  /** fleetload's subcommands (from the commander program). */
  commands: readonly string[];
  /** The code table of each subcommand whose exit code the workflow may test. */
  exitCodes: Readonly<Record<string, CodeSpec>>;
}

export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string | boolean;
  env?: Record<string, string | number | boolean>;
  with?: Record<string, string | number | boolean>;
  'timeout-minutes'?: number;
}

export interface Job {
  'timeout-minutes'?: number;
  steps?: Step[];
}

export interface Workflow {
  on?: unknown;
  env?: Record<string, string>;
  jobs?: Record<string, Job>;
}

export function stepLabel(step: Step, index: number): string {
  return step.id ?? step.name ?? step.uses ?? `step ${index + 1}`;
}

/** Every `npm run <script>` in a shell script. */
export function npmRuns(script: string): string[] {
  return [...script.matchAll(/\bnpm\s+run(?:-script)?\s+([\w:.-]+)/g)].map((m) => m[1]!);
}

/** The fleetload subcommand a package.json script runs (`node bin/fleetload.js compare` → compare). */
export function subcommandOfScript(body: string): string | undefined {
  return /\bbin\/fleetload(?:\.js)?\s+([a-z][\w-]*)/.exec(body)?.[1];
}

// Where a shell command can start: a line's start or after ; & | ( or $( (not inside an echo'd sentence).
const AT_COMMAND = String.raw`(?:^|[;&|(]|\$\()\s*`;

/** `fleetload X` and `npx fleetload X` called as commands in a shell script. */
export function fleetloadCalls(script: string): string[] {
  return [...script.matchAll(new RegExp(`${AT_COMMAND}(?:npx\\s+(?:--no-install\\s+)?)?fleetload\\s+([a-z][\\w-]*)`, 'gm'))].map((m) => m[1]!);
}

/** The fleetload subcommands a step's script runs, directly or through npm scripts (mentions in messages included). */
export function subcommandsOfStep(script: string, scripts: Readonly<Record<string, string>>): string[] {
  const out = fleetloadCalls(script);
  for (const name of npmRuns(script)) {
    const body = scripts[name];
    const sub = body === undefined ? undefined : subcommandOfScript(body);
    if (sub !== undefined) out.push(sub);
  }
  return out;
}

/**
 * The fleetload subcommand whose exit code a step captures: the last one run as a command before
 * the script's first `$?` (`npm run compare -- ...` then `echo "rc=$?"`).
 */
export function capturedSubcommand(script: string, scripts: Readonly<Record<string, string>>): string | undefined {
  const at = script.indexOf('$?');
  const before = at < 0 ? script : script.slice(0, at);
  const re = new RegExp(`${AT_COMMAND}(?:(?:npx\\s+(?:--no-install\\s+)?)?fleetload\\s+([a-z][\\w-]*)|npm\\s+run(?:-script)?\\s+([\\w:.-]+))`, 'gm');
  let last: string | undefined;
  for (const m of before.matchAll(re)) {
    const body = m[2] === undefined ? undefined : scripts[m[2]];
    last = m[1] ?? (body === undefined ? undefined : subcommandOfScript(body)) ?? last;
  }
  return last;
}

export interface Comparison {
  variable: string;
  code: number;
  /** `case` arm, or the shell test operator (`-eq`, `-ne`, `==` ...). */
  form: string;
  /** What runs when the comparison holds (an arm's commands, an `if`'s then-branch); undefined for negations. */
  body: string | undefined;
}

/** The commands of each arm of every `case "$VAR" in ... esac`, with the numeric patterns of the arm. */
function caseComparisons(script: string): Comparison[] {
  const out: Comparison[] = [];
  for (const m of script.matchAll(/\bcase\s+"?\$\{?(\w+)\}?"?\s+in\b([\s\S]*?)\besac\b/g)) {
    const variable = m[1]!;
    for (const arm of m[2]!.split(';;')) {
      const a = /^\s*\(?\s*([^)\n]+?)\s*\)([\s\S]*)$/.exec(arm);
      if (!a) continue;
      for (const pattern of a[1]!.split('|').map((p) => p.trim().replace(/^['"]|['"]$/g, ''))) {
        if (/^\d+$/.test(pattern)) out.push({ variable, code: Number(pattern), form: 'case arm', body: a[2]!.trim() });
      }
    }
  }
  return out;
}

/** `[ "$VAR" -eq N ]`, `[[ $VAR == N ]]`, `(( VAR == N ))` and their negations. */
function testComparisons(script: string): Comparison[] {
  const out: Comparison[] = [];
  const re = /(?:\$\{?|\(\(\s*)(\w+)\}?"?\s+(-eq|-ne|==|!=|=)\s+"?(\d+)"?/g;
  for (const m of script.matchAll(re)) {
    const op = m[2]!;
    const positive = op === '-eq' || op === '==' || op === '=';
    let body: string | undefined;
    if (positive) {
      // The then-branch: from `then` (or `&&`) after the test up to the next elif/else/fi (or line end).
      const rest = script.slice(m.index! + m[0].length);
      const then = /^[^\n]*?\bthen\b([\s\S]*?)(?:\belif\b|\belse\b|\bfi\b)/.exec(rest);
      const and = /^[^\n]*?&&([^\n]*)/.exec(rest);
      body = (then?.[1] ?? and?.[1] ?? '').trim();
    }
    out.push({ variable: m[1]!, code: Number(m[3]), form: op, body });
  }
  return out;
}

export function exitCodeComparisons(script: string): Comparison[] {
  return [...caseComparisons(script), ...testComparisons(script)];
}

function describeTable(t: CodeTable): string {
  return Object.entries(t).map(([name, code]) => `${code} ${name}`).join(', ');
}

/** The problems with one comparison against the table of the command that produced the code. */
export function judgeComparison(c: Comparison, command: string, spec: CodeSpec): string[] {
  const names = Object.entries(spec.codes).filter(([, code]) => code === c.code).map(([name]) => name);
  if (names.length === 0) return [`$${c.variable} (the exit code of fleetload ${command}) is compared with ${c.code} (${c.form}), which is no documented code of fleetload ${command} (${describeTable(spec.codes)})`];
  if (c.body === undefined) return [];
  const claimed = Object.entries(spec.meanings).filter(([, re]) => re.test(c.body!)).map(([name]) => name);
  const want = names[0]!;
  if (claimed.length === 1 && claimed[0] === want) return [];
  const says = claimed.length === 0 ? 'claims none of the documented meanings' : `claims ${claimed.join(' and ')}`;
  return [`$${c.variable} == ${c.code} (${c.form}) is fleetload ${command}'s ${want}, but its branch ${says}: ${JSON.stringify(c.body.slice(0, 120))}`];
}

const STEP_RC = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.rc\s*\}\}$/;

export interface WorkflowReport {
  problems: string[];
  /** Every comparison checked, with the command whose code it tests: for assertions on coverage. */
  comparisons: (Comparison & { command: string; step: string })[];
}

export function checkWorkflow(workflow: Workflow, project: ProjectSpec): WorkflowReport {
  const problems: string[] = [];
  const comparisons: WorkflowReport['comparisons'] = [];
  for (const [jobName, job] of Object.entries(workflow.jobs ?? {})) {
    const steps = job.steps ?? [];
    // Which fleetload command each step id runs: the table its rc output is read against.
    const commandOfStep = new Map<string, string>();
    steps.forEach((step, i) => {
      const script = step.run ?? '';
      const where = `${jobName}/${stepLabel(step, i)}`;
      for (const name of npmRuns(script)) {
        if (project.scripts[name] === undefined) problems.push(`${where}: npm run ${name}: package.json has no such script`);
      }
      const subs = subcommandsOfStep(script, project.scripts);
      for (const sub of subs) {
        if (!project.commands.includes(sub)) problems.push(`${where}: fleetload ${sub}: no such subcommand (fleetload has ${project.commands.join(', ')})`);
      }
      const captured = capturedSubcommand(script, project.scripts);
      if (step.id !== undefined && captured !== undefined) commandOfStep.set(step.id, captured);
    });

    const tableOf = (stepId: string, where: string, what: string): { command: string; spec: CodeSpec } | undefined => {
      const command = commandOfStep.get(stepId);
      const spec = command === undefined ? undefined : project.exitCodes[command];
      if (command === undefined || spec === undefined) {
        problems.push(`${where}: ${what} reads steps.${stepId}.outputs.rc, but step ${stepId} runs no fleetload command with documented exit codes`);
        return undefined;
      }
      return { command, spec };
    };

    steps.forEach((step, i) => {
      const where = `${jobName}/${stepLabel(step, i)}`;
      // Variables that hold a fleetload command's exit code: env entries set from a step's rc.
      const variables = new Map<string, string>();
      for (const [name, value] of Object.entries(step.env ?? {})) {
        const m = STEP_RC.exec(String(value).trim());
        if (m) variables.set(name, m[1]!);
      }
      for (const c of exitCodeComparisons(step.run ?? '')) {
        const stepId = variables.get(c.variable);
        if (stepId === undefined) {
          problems.push(`${where}: compares $${c.variable} with ${c.code} (${c.form}), but $${c.variable} is not set from a fleetload step's exit code (env: NAME: \${{ steps.<id>.outputs.rc }})`);
          continue;
        }
        const t = tableOf(stepId, where, `$${c.variable}`);
        if (!t) continue;
        for (const p of judgeComparison(c, t.command, t.spec)) problems.push(`${where}: ${p}`);
        comparisons.push({ ...c, command: t.command, step: stepLabel(step, i) });
      }
      // The same codes in `if:` expressions (no message to judge there, only the code).
      const cond = typeof step.if === 'string' ? step.if : '';
      for (const m of cond.matchAll(/steps\.([\w-]+)\.outputs\.rc\s*(==|!=)\s*'(\d+)'/g)) {
        const t = tableOf(m[1]!, where, 'if:');
        if (!t) continue;
        const c: Comparison = { variable: `steps.${m[1]}.outputs.rc`, code: Number(m[3]), form: `if: ${m[2]}`, body: undefined };
        for (const p of judgeComparison(c, t.command, t.spec)) problems.push(`${where}: ${p}`);
        comparisons.push({ ...c, command: t.command, step: stepLabel(step, i) });
      }
    });
  }
  return { problems, comparisons };
}
