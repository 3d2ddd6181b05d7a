// Every bundle in dist/k6 (and in the folders for older k6) follows
// ../shared/reference/k6-compat.md, so that real k6 back to v0.49 runs it: CommonJS, nothing newer
// than ES2017, only k6 modules required, the timers and websockets modules its k6 has, no blocking
// calls inside the agent loops.
import { parse } from 'acorn';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildScenarios, scenarioOutDir, type K6ModuleSet } from '../../runner/build/scenarios';
import { ROOT } from '../helpers/cli';

const SETS: ReadonlyArray<{ what: string; modules: K6ModuleSet }> = [
  { what: 'current k6', modules: { timers: 'k6/timers', websockets: 'k6/websockets' } },
  { what: 'k6 v0.50 to v1.5', modules: { timers: 'k6/timers', websockets: 'k6/experimental/websockets' } },
  { what: 'k6 v0.49', modules: { timers: 'k6/experimental/timers', websockets: 'k6/experimental/websockets' } },
];

const BUILDS = SETS.map(({ what, modules }) => ({ what, modules, dir: scenarioOutDir(ROOT, modules) }));

/** The other spelling of a version-dependent module: what a bundle for this k6 must not require. */
function otherPath(module: string): string {
  return module.startsWith('k6/experimental/') ? module.replace('k6/experimental/', 'k6/') : module.replace('k6/', 'k6/experimental/');
}

function bundles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.js'));
}

function required(code: string): string[] {
  return [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1] ?? '');
}

describe('scenario build folders', () => {
  it('are distinct per module set, dist/k6 for current k6', () => {
    expect(BUILDS.map((b) => b.dir.slice(ROOT.length + 1))).toEqual(['dist/k6', 'dist/k6-experimental-websockets', 'dist/k6-experimental-timers-websockets']);
  });
});

describe('the module alias', () => {
  // The scenarios use no WebSocket yet: an entry of the test's own shows both aliases at work.
  it.each(BUILDS)('gives a bundle for $what the paths it has, whichever spelling the source used', async ({ modules }) => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetload-alias-'));
    try {
      const entry = join(dir, 'entry.ts');
      writeFileSync(
        entry,
        [
          "import { setTimeout } from 'k6/timers';",
          "import { WebSocket } from 'k6/websockets';",
          "import * as old from 'k6/experimental/websockets';",
          'export default function (): void { setTimeout(() => new WebSocket(`ws://x`), 1); void old; }',
        ].join('\n'),
      );
      const { bundles: built } = await buildScenarios({ root: ROOT, entries: [entry], outDir: join(dir, 'out'), modules });
      const req = required(readFileSync(built.entry ?? '', 'utf8'));
      expect(new Set(req)).toEqual(new Set([modules.timers, modules.websockets]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(BUILDS)('bundles for $what in $dir', ({ dir, modules }) => {
  it('exist for every scenario', () => {
    expect(bundles(dir).sort()).toEqual(['agents.js', 'api-load.js', 'rollout.js']);
  });

  for (const name of ['agents.js', 'api-load.js', 'rollout.js']) {
    describe(name, () => {
      const code = readFileSync(join(dir, name), 'utf8');

      it('parses as an ES2017 script (no ES module syntax, no optional chaining, no object spread)', () => {
        expect(() => parse(code, { ecmaVersion: 2017, sourceType: 'script' })).not.toThrow();
      });

      it('requires only k6 modules, and the timers and websockets modules of its k6', () => {
        const req = required(code);
        expect(req.length).toBeGreaterThan(0);
        for (const mod of req) expect(mod).toMatch(/^k6(\/|$)/);
        if (name === 'agents.js') expect(req).toContain(modules.timers);
        expect(req).not.toContain(otherPath(modules.timers));
        expect(req).not.toContain(otherPath(modules.websockets));
      });

      it('imports nothing over https and calls no blocking http or sleep', () => {
        expect(code).not.toMatch(/https:\/\/[^"'\s]+\.js/);
        expect(code).not.toMatch(/\bhttp\.(get|post|put|patch|del|request|batch)\(/);
        // k6's blocking sleep, bare or through the bundle's import binding; a method of that name
        // (the Kubernetes layer's StopSignal.sleep, a timer) is not it.
        expect(code).not.toMatch(/(?<![.\w])sleep\([^)]*\)(?!\s*\{)/);
        expect(code).not.toMatch(/\bimport_k6\d*\.sleep\b/);
        expect(code).toMatch(/asyncRequest\(/);
      });

      it('has a source map for k6 stack traces', () => {
        expect(code).toMatch(/\/\/# sourceMappingURL=.*\.js\.map/);
      });
    });
  }
});
