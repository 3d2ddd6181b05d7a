import { afterEach, describe, expect, it } from 'vitest';
import { cachedK6Path } from '../k6/pin';
import { fakeMachine, K6_PIN, type FakeMachine } from './fakes';
import { cachedXk6Path, xk6Check } from './xk6';

let m: FakeMachine | undefined;
afterEach(() => m?.cleanup());

describe('xk6 check', () => {
  it('reports the xk6 k6:build built before', () => {
    m = fakeMachine();
    m.stub(cachedXk6Path(m.root, K6_PIN), 'xk6 v0.20.1');
    expect(xk6Check.run(m.ctx())).toMatchObject({ status: 'ok', found: 'xk6 v0.20.1 built at .cache/xk6/v0.20.1/xk6 (k6:build reuses it)' });
  });

  it('says the build installs xk6 itself when Go is there', () => {
    m = fakeMachine();
    m.stub(`${m.bin}/go`, 'go1.26.8');
    expect(xk6Check.run(m.ctx())).toMatchObject({ status: 'ok', found: expect.stringContaining('npm run k6:build builds xk6 v0.20.1 itself with Go (no install needed)') });
  });

  it('warns with neither Go nor a built k6, and is content with a built k6 and no Go', () => {
    m = fakeMachine();
    expect(xk6Check.run(m.ctx())).toMatchObject({ status: 'warn', found: expect.stringContaining('no go on PATH'), fix: expect.stringContaining('install Go') });
    m.stub(cachedK6Path(m.root, K6_PIN), 'k6 v1.8.1');
    expect(xk6Check.run(m.ctx())).toMatchObject({ status: 'ok', found: expect.stringContaining('nothing to build') });
  });
});
