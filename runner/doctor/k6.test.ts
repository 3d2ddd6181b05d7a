import { afterEach, describe, expect, it } from 'vitest';
import { cachedK6Path } from '../k6/pin';
import { fakeMachine, K6_PIN, type FakeMachine } from './fakes';
import { k6Check, parseK6Extensions } from './k6';

// Stub k6 binaries (shell scripts printing what `k6 version` prints): these tests are about how
// the check reads that output and decides; index.test.ts runs the check against the real k6.
let m: FakeMachine | undefined;
afterEach(() => m?.cleanup());

const K6_181 = 'k6 v1.8.1 (go1.26.8, linux/amd64)';

describe('parseK6Extensions', () => {
  it('reads the Extensions block of k6 version, one per line, and nothing from a plain k6', () => {
    const out = `k6 v1.8.1 (go1.26.8, linux/amd64)\nExtensions:\n  github.com/grafana/xk6-faker v0.4.4, k6/x/faker [js]\n  github.com/grafana/xk6-output-influxdb v0.5.0, xk6-influxdb [output]\n`;
    expect(parseK6Extensions(out)).toEqual([
      { module: 'github.com/grafana/xk6-faker', version: 'v0.4.4', name: 'k6/x/faker', type: 'js' },
      { module: 'github.com/grafana/xk6-output-influxdb', version: 'v0.5.0', name: 'xk6-influxdb', type: 'output' },
    ]);
    expect(parseK6Extensions(K6_181)).toEqual([]);
  });
});

describe('k6 check', () => {
  it('fails on a K6_BIN that is no executable, naming K6_BIN and the fix (the runner does not fall back past it)', () => {
    m = fakeMachine();
    m.stub(cachedK6Path(m.root, K6_PIN), K6_181);
    const r = k6Check.run(m.ctx({ env: { K6_BIN: '/nowhere/k6' } }));
    expect(r.status).toBe('fail');
    expect(r.found).toContain('K6_BIN=/nowhere/k6');
    expect(r.fix).toMatch(/unset K6_BIN or point it at a k6 binary/);
    expect(r.fix).toMatch(/npm run k6:build/);
  });

  it('warns when there is no k6 at all: runs fall back to the embedded engine', () => {
    m = fakeMachine();
    const r = k6Check.run(m.ctx());
    expect(r.status).toBe('warn');
    expect(r.found).toMatch(/embedded engine/);
    expect(r.found).toContain('.cache/k6/v1.8.1-');
    expect(r.fix).toMatch(/npm run k6:build/);
  });

  it('reports the cached build: where from, version, extensions, the modules the bundles import', () => {
    m = fakeMachine();
    m.stub(cachedK6Path(m.root, K6_PIN), K6_181);
    // A k6 on PATH too: the cache comes first, as the runner's locateK6 has it.
    m.stub(`${m.bin}/k6`, 'k6 v0.55.0 (go1.23, linux/amd64)');
    const r = k6Check.run(m.ctx());
    expect(r.status).toBe('ok');
    expect(r.found).toMatch(/^k6 v1\.8\.1 at \.cache\/k6\/v1\.8\.1-\w+\/k6 \(from cache\); no extensions; bundles import k6\/timers and k6\/websockets$/);
  });

  it('warns about a k6 older than v1.6: experimental websockets, which the kubelet protocol refuses', () => {
    m = fakeMachine();
    m.stub(`${m.bin}/k6`, 'k6 v1.5.0 (go1.24.1, linux/amd64)');
    const r = k6Check.run(m.ctx());
    expect(r.status).toBe('warn');
    expect(r.found).toContain('(from PATH)');
    expect(r.found).toContain('k6.pin.json pins v1.8.1');
    expect(r.found).toContain('bundles import k6/timers and k6/experimental/websockets');
    expect(r.found).toMatch(/kubelet/);
  });

  it('picks the experimental timers for k6 older than v0.50', () => {
    m = fakeMachine();
    m.stub(`${m.bin}/k6`, 'k6 v0.49.0 (2024-01-22T10:39:01+0000/v0.49.0-0-g1a2b3c, go1.21.6, linux/amd64)');
    expect(k6Check.run(m.ctx()).found).toContain('bundles import k6/experimental/timers and k6/experimental/websockets');
  });

  it('fails on a k6 too old for the scenarios, one that prints no version, and one that exits non-zero', () => {
    m = fakeMachine();
    const k6 = m.stub(`${m.bin}/k6`, 'k6 v0.48.0 (go1.21, linux/amd64)');
    expect(k6Check.run(m.ctx())).toMatchObject({ status: 'fail', found: expect.stringMatching(/older than v0\.49/) });
    m.stub(k6, 'hello');
    expect(k6Check.run(m.ctx({ env: { K6_BIN: k6 } }))).toMatchObject({ status: 'fail', found: expect.stringMatching(/printed no k6 version/), fix: expect.stringMatching(/K6_BIN/) });
    m.stub(k6, 'segfault', 139);
    expect(k6Check.run(m.ctx())).toMatchObject({ status: 'fail', found: expect.stringMatching(/exited with 139/) });
  });

  it('lists the extensions and warns when the pinned ones are missing', () => {
    const pin = { ...K6_PIN, extensions: ['github.com/grafana/xk6-faker@v0.4.4', 'github.com/grafana/xk6-sql@v1.0.0'] };
    m = fakeMachine(pin);
    m.stub(cachedK6Path(m.root, pin), `${K6_181}\nExtensions:\n  github.com/grafana/xk6-faker v0.4.4, k6/x/faker [js]`);
    const r = k6Check.run(m.ctx());
    expect(r.found).toContain('extensions k6/x/faker (github.com/grafana/xk6-faker v0.4.4)');
    expect(r.status).toBe('warn');
    expect(r.found).toContain('lacks the pinned github.com/grafana/xk6-sql@v1.0.0');
  });
});
