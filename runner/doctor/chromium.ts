// Chromium opens report.html and compare.html in test/browser (through playwright-core, which
// looks for `chromium` on PATH as test/helpers/binary.ts does). Runs never need it.
import { findOnPath, firstLine, runTool, type CheckResult, type DoctorCheck, type DoctorContext } from './check';

const NAME = 'chromium';

export const chromiumCheck: DoctorCheck = {
  name: NAME,
  run(ctx: DoctorContext): CheckResult {
    const path = findOnPath('chromium', ctx.env);
    if (path === undefined) {
      return { status: 'warn', name: NAME, found: 'no chromium on PATH: runs do not need it; the browser tests skip here and fail under CI=true', fix: 'apt-get install chromium' };
    }
    const res = runTool(path, ['--version'], ctx.env);
    const version = res.ok ? firstLine(res.text) : `version unknown (${res.problem ?? 'failed'})`;
    return { status: 'ok', name: NAME, found: `${version} at ${path} (for the tests)` };
  },
};
