// Every bundle in dist/k6 follows ../shared/reference/k6-compat.md, so that real k6 back to
// v0.49 runs it: CommonJS, nothing newer than ES2017, only k6 modules required, the timers
// module its k6 has, no blocking calls inside the agent loops.
import { parse } from 'acorn';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';

const BUILDS = [
  { dir: join(ROOT, 'dist', 'k6'), timers: 'k6/timers' },
  { dir: join(ROOT, 'dist', 'k6-experimental-timers'), timers: 'k6/experimental/timers' },
];

function bundles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.js'));
}

describe.each(BUILDS)('bundles in $dir', ({ dir, timers }) => {
  it('exist for every scenario', () => {
    expect(bundles(dir).sort()).toEqual(['agents.js', 'api-load.js', 'rollout.js']);
  });

  for (const name of ['agents.js', 'api-load.js', 'rollout.js']) {
    describe(name, () => {
      const code = readFileSync(join(dir, name), 'utf8');

      it('parses as an ES2017 script (no ES module syntax, no optional chaining, no object spread)', () => {
        expect(() => parse(code, { ecmaVersion: 2017, sourceType: 'script' })).not.toThrow();
      });

      it('requires only k6 modules, and the timers module of its k6', () => {
        const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
        expect(required.length).toBeGreaterThan(0);
        for (const mod of required) expect(mod).toMatch(/^k6(\/|$)/);
        if (name === 'agents.js') expect(required).toContain(timers);
        expect(required).not.toContain(timers === 'k6/timers' ? 'k6/experimental/timers' : 'k6/timers');
      });

      it('imports nothing over https and calls no blocking http or sleep', () => {
        expect(code).not.toMatch(/https:\/\/[^"'\s]+\.js/);
        expect(code).not.toMatch(/\bhttp\.(get|post|put|patch|del|request|batch)\(/);
        expect(code).not.toMatch(/\bsleep\(/);
        expect(code).toMatch(/asyncRequest\(/);
      });

      it('has a source map for k6 stack traces', () => {
        expect(code).toMatch(/\/\/# sourceMappingURL=.*\.js\.map/);
      });
    });
  }
});
