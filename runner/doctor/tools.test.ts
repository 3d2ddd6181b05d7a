// The checks of what only the tests need: Prometheus and promtool, Chromium, the kube-apiserver build.
import { afterEach, describe, expect, it } from 'vitest';
import { cachedKubeBinaries } from '../../scripts/kube-paths';
import { chromiumCheck } from './chromium';
import { fakeMachine, type FakeMachine } from './fakes';
import { kubeApiserverCheck } from './kube-apiserver';
import { prometheusCheck } from './prometheus';

let m: FakeMachine | undefined;
afterEach(() => m?.cleanup());

describe('prometheus check', () => {
  it('reports both versions, and warns naming the missing one', () => {
    m = fakeMachine();
    m.stub(`${m.bin}/prometheus`, 'prometheus, version 2.53.3+ds (branch: debian/sid, revision: 2.53.3+ds-1)');
    expect(prometheusCheck.run(m.ctx())).toMatchObject({ status: 'warn', found: expect.stringContaining('no promtool on PATH'), fix: expect.stringContaining('apt-get install prometheus') });
    m.stub(`${m.bin}/promtool`, 'promtool, version 2.53.3+ds (branch: debian/sid)');
    const r = prometheusCheck.run(m.ctx());
    expect(r.status).toBe('ok');
    expect(r.found).toContain('prometheus 2.53.3+ds at ');
    expect(r.found).toContain('promtool 2.53.3+ds at ');
  });
});

describe('chromium check', () => {
  it('reports the version, and warns without one', () => {
    m = fakeMachine();
    expect(chromiumCheck.run(m.ctx())).toMatchObject({ status: 'warn', fix: 'apt-get install chromium' });
    m.stub(`${m.bin}/chromium`, 'Chromium 131.0.6778.204 built on Debian GNU/Linux 12 (bookworm)');
    expect(chromiumCheck.run(m.ctx())).toMatchObject({ status: 'ok', found: expect.stringMatching(/^Chromium 131\.0\.6778\.204 .* at .*\/chromium \(for the tests\)$/) });
  });
});

describe('kube-apiserver check', () => {
  it('warns when the build is missing, with the build command', () => {
    m = fakeMachine();
    const r = kubeApiserverCheck.run(m.ctx());
    expect(r.status).toBe('warn');
    expect(r.found).toMatch(/no \.cache\/kube-apiserver\/v1\.36\.3-\w+\/kube-apiserver or .*etcd/);
    expect(r.fix).toContain('npm run kube:build');
  });

  it('finds the cached build the tests would start, and checks it is the pinned version', () => {
    m = fakeMachine();
    const bins = cachedKubeBinaries(m.root);
    m.stub(bins.etcd, 'etcd Version: 3.6.8');
    m.stub(bins.apiserver, 'Kubernetes v1.36.3');
    expect(kubeApiserverCheck.run(m.ctx())).toMatchObject({ status: 'ok', found: expect.stringContaining('Kubernetes v1.36.3 at .cache/kube-apiserver/') });
    m.stub(bins.apiserver, 'Kubernetes v0.0.0-master+$Format:%H$');
    expect(kubeApiserverCheck.run(m.ctx())).toMatchObject({ status: 'warn', found: expect.stringContaining('kube.pin.json pins v1.36.3') });
  });

  it('prefers KUBE_APISERVER_BIN and ETCD_BIN, as test/helpers/kube.ts does', () => {
    m = fakeMachine();
    const apiserver = m.stub(`${m.bin}/my-apiserver`, 'Kubernetes v1.36.3');
    const etcd = m.stub(`${m.bin}/my-etcd`, 'etcd');
    expect(kubeApiserverCheck.run(m.ctx({ env: { KUBE_APISERVER_BIN: apiserver, ETCD_BIN: etcd } }))).toMatchObject({ status: 'ok', found: expect.stringContaining('(from KUBE_APISERVER_BIN)') });
  });
});
