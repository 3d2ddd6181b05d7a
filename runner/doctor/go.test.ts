import { afterEach, describe, expect, it } from 'vitest';
import { fakeMachine, type FakeMachine } from './fakes';
import { goCheck } from './go';

// A stub `go` answering `go env GOVERSION GOTOOLCHAIN GOMODCACHE` with three lines, as go does.
let m: FakeMachine | undefined;
afterEach(() => m?.cleanup());

function withGo(version: string, toolchain = 'auto', k6GoLine?: string): FakeMachine {
  const fake = fakeMachine();
  const modCache = `${fake.root}/../gomodcache`;
  if (k6GoLine !== undefined) fake.write(`${modCache}/go.k6.io/k6@v1.8.1/go.mod`, `module go.k6.io/k6\n\n${k6GoLine}\n`);
  fake.stub(`${fake.bin}/go`, `${version}\n${toolchain}\n${modCache}`);
  return fake;
}

describe('go check', () => {
  it('warns without go: only the builds need it, and kube:build exits 127', () => {
    m = fakeMachine();
    const r = goCheck.run(m.ctx());
    expect(r).toMatchObject({ status: 'warn', found: expect.stringMatching(/not on PATH.*127/) });
    expect(r.fix).toContain('Go 1.26.0 or newer');
  });

  it('passes a Go that meets both builds, with the minimums it read', () => {
    m = withGo('go1.26.8', 'auto', 'go 1.25.0');
    const r = goCheck.run(m.ctx());
    expect(r.status).toBe('ok');
    expect(r.found).toContain('go1.26.8 at ');
    expect(r.found).toContain("meets kube:build's go 1.26.0");
    expect(r.found).toContain("meets k6:build's go 1.25.0 (k6 v1.8.1)");
  });

  it('says when the pinned k6 module is not downloaded yet rather than guessing its minimum', () => {
    m = withGo('go1.26.8');
    expect(goCheck.run(m.ctx()).found).toMatch(/k6 v1\.8\.1's go\.mod is not in the module cache yet/);
  });

  it('warns about a Go older than kube/apiserver/go.mod: kube:build pins GOTOOLCHAIN=local and exits 3', () => {
    m = withGo('go1.24.1', 'auto', 'go 1.25.0');
    const r = goCheck.run(m.ctx());
    expect(r.status).toBe('warn');
    expect(r.found).toContain('kube:build needs go 1.26.0');
    expect(r.found).toContain('exit 3');
    // k6:build does not pin the toolchain: Go fetches what k6 needs.
    expect(r.found).toContain('k6:build will fetch go 1.25.0');
  });

  it('warns when GOTOOLCHAIN=local stops k6:build from fetching the Go the pinned k6 needs', () => {
    m = withGo('go1.26.0', 'local', 'go 1.27.0');
    const r = goCheck.run(m.ctx());
    expect(r.status).toBe('warn');
    expect(r.found).toContain('GOTOOLCHAIN=local forbids');
  });
});
