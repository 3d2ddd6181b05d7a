// The k6 a run would use, found as the runner finds it (locateK6: K6_BIN, the cache, PATH), and
// what the bundles will import for it. It runs `k6 version` itself rather than probeK6, because
// probeK6 throws on the first problem and drops the output, and the extension list is in it.
import { k6ModulesFor, parseK6Version } from '../engines/k6';
import { K6NotFoundError, locateK6, type K6Location } from '../k6/locate';
import { cachedK6Path, readPin, type K6Pin } from '../k6/pin';
import { runTool, shown, type CheckResult, type DoctorCheck, type DoctorContext } from './check';

export interface K6Extension {
  module: string;
  version: string;
  /** The import (`k6/x/faker`) or output name. */
  name: string;
  /** `js`, `output`, `secret-source`. */
  type: string;
}

/**
 * The "Extensions:" block of `k6 version` (k6's ext.Extension.String():
 * `  <module> <version>, <name> [<type>]`, one a line); a plain k6 prints none.
 */
export function parseK6Extensions(output: string): K6Extension[] {
  const start = output.search(/^Extensions:\s*$/m);
  if (start < 0) return [];
  const out: K6Extension[] = [];
  for (const line of output.slice(start).split('\n').slice(1)) {
    const m = /^\s+(\S+) (\S+), (\S+) \[([\w-]+)\]\s*$/.exec(line);
    if (!m) break;
    out.push({ module: m[1]!, version: m[2]!, name: m[3]!, type: m[4]! });
  }
  return out;
}

const NAME = 'k6';
const BUILD = 'npm run k6:build builds the pinned one into .cache/k6';

function pinOf(root: string): K6Pin | undefined {
  try {
    return readPin(root);
  } catch {
    return undefined;
  }
}

export const k6Check: DoctorCheck = {
  name: NAME,
  run(ctx: DoctorContext): CheckResult {
    let location: K6Location | undefined;
    try {
      location = locateK6(ctx.root, ctx.env);
    } catch (err) {
      // The runner does not fall back past a K6_BIN that is set: every run would stop with exit 2.
      if (err instanceof K6NotFoundError) {
        return { status: 'fail', name: NAME, found: `K6_BIN=${ctx.env.K6_BIN ?? ''} is not an executable file (every run stops with exit 2)`, fix: `unset K6_BIN or point it at a k6 binary; ${BUILD}` };
      }
      throw err;
    }
    const pin = pinOf(ctx.root);
    if (location === undefined) {
      const cache = pin ? shown(cachedK6Path(ctx.root, pin), ctx.root) : '.cache/k6 (no readable k6.pin.json)';
      return {
        status: 'warn',
        name: NAME,
        found: `none (K6_BIN unset, no ${cache}, no k6 on PATH): --engine auto runs the embedded engine, --engine k6 stops with exit 2`,
        fix: BUILD,
      };
    }
    const where = `${shown(location.path, ctx.root)} (from ${location.source})`;
    // A k6 that is found but broken is not skipped by the runner: auto fails as k6 would.
    const fixBroken = location.source === 'K6_BIN' ? `point K6_BIN at a working k6; ${BUILD}` : BUILD;
    const res = runTool(location.path, ['version'], ctx.env);
    if (!res.ok) return { status: 'fail', name: NAME, found: `${where} ${res.problem ?? 'failed'}`, fix: fixBroken };
    const version = parseK6Version(res.text);
    if (!version) return { status: 'fail', name: NAME, found: `${where} printed no k6 version to "k6 version" (${JSON.stringify(res.text.trim().slice(0, 60))})`, fix: fixBroken };
    if (version.major === 0 && version.minor < 49) {
      return { status: 'fail', name: NAME, found: `${where} is k6 ${version.text}, older than v0.49, the oldest the scenarios run on`, fix: fixBroken };
    }

    const extensions = parseK6Extensions(res.text);
    const modules = k6ModulesFor(version);
    const pinNote = pin && pin.k6 !== version.text ? ` (k6.pin.json pins ${pin.k6})` : '';
    const extText = extensions.length === 0 ? 'no extensions' : `extensions ${extensions.map((e) => `${e.name} (${e.module} ${e.version})`).join(', ')}`;
    const found = `k6 ${version.text}${pinNote} at ${where}; ${extText}; bundles import ${modules.timers} and ${modules.websockets}`;

    // Extensions the pin asks for but this binary lacks: scripts importing them would not load.
    const missing = (pin?.extensions ?? []).filter((spec) => !extensions.some((e) => spec.startsWith(`${e.module}@`)));
    if (missing.length > 0) return { status: 'warn', name: NAME, found: `${found}; lacks the pinned ${missing.join(', ')}`, fix: BUILD };
    if (modules.websockets !== 'k6/websockets') {
      return { status: 'warn', name: NAME, found: `${found}; protocols that speak Kubernetes (kubelet) need k6/websockets (k6 v1.6+) and stop with exit 2`, fix: `${BUILD}, or use --engine embedded for them` };
    }
    return { status: 'ok', name: NAME, found };
  },
};
