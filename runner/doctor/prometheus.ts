// Prometheus and promtool: no run needs them, the tests do (test/integration/prometheus.test.ts
// scrapes a real run, dashboards/promtool.test.ts checks the rules); they skip locally without
// them and fail under CI=true, so a missing one is a warning here.
import { findOnPath, firstLine, runTool, type CheckResult, type DoctorCheck, type DoctorContext } from './check';

const NAME = 'prometheus';
const INSTALL = 'apt-get install prometheus (both binaries), or put them on PATH';

function describe(tool: string, ctx: DoctorContext): { found: string; present: boolean } {
  const path = findOnPath(tool, ctx.env);
  if (path === undefined) return { found: `no ${tool} on PATH`, present: false };
  const res = runTool(path, ['--version'], ctx.env);
  // `prometheus, version 2.53.3+ds (branch: ...)`: the version is what helps a bug report.
  const version = /version (\S+)/.exec(res.text)?.[1];
  return { found: `${tool} ${version ?? `(version unknown: ${res.problem ?? firstLine(res.text).slice(0, 40)})`} at ${path}`, present: true };
}

export const prometheusCheck: DoctorCheck = {
  name: NAME,
  run(ctx: DoctorContext): CheckResult {
    const parts = ['prometheus', 'promtool'].map((t) => describe(t, ctx));
    const found = parts.map((p) => p.found).join(', ');
    if (parts.every((p) => p.present)) return { status: 'ok', name: NAME, found: `${found} (for the tests)` };
    return { status: 'warn', name: NAME, found: `${found}: runs do not need them; their tests skip here and fail under CI=true`, fix: INSTALL };
  },
};
