// xk6 for `npm run k6:build`. Nobody installs it: the build compiles the pinned xk6 with Go into
// .cache/xk6/<version>/ (an xk6 on PATH is never used), so what matters is that cache or Go.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cachedK6Path, readPin, type K6Pin } from '../k6/pin';
import { findOnPath, shown, type CheckResult, type DoctorCheck, type DoctorContext } from './check';

const NAME = 'xk6';

export function cachedXk6Path(root: string, pin: K6Pin): string {
  return join(root, '.cache', 'xk6', pin.xk6, 'xk6');
}

export const xk6Check: DoctorCheck = {
  name: NAME,
  run(ctx: DoctorContext): CheckResult {
    let pin: K6Pin;
    try {
      pin = readPin(ctx.root);
    } catch (err) {
      return { status: 'fail', name: NAME, found: `k6.pin.json is unreadable (${err instanceof Error ? err.message : String(err)}); k6:build cannot run`, fix: 'restore k6.pin.json from git' };
    }
    const xk6 = cachedXk6Path(ctx.root, pin);
    if (existsSync(xk6)) return { status: 'ok', name: NAME, found: `xk6 ${pin.xk6} built at ${shown(xk6, ctx.root)} (k6:build reuses it)` };
    const k6Built = existsSync(cachedK6Path(ctx.root, pin));
    const how = `not built; npm run k6:build builds xk6 ${pin.xk6} itself with Go (no install needed)`;
    if (findOnPath('go', ctx.env) !== undefined) return { status: 'ok', name: NAME, found: k6Built ? `${how}, and k6 ${pin.k6} is already built` : how };
    if (k6Built) return { status: 'ok', name: NAME, found: `not built and no Go, but k6 ${pin.k6} is already built: nothing to build` };
    return { status: 'warn', name: NAME, found: `${how}, and there is no go on PATH`, fix: 'install Go (see the go line), then npm run k6:build' };
  },
};
