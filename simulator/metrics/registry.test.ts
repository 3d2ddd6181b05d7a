// /metrics: route-templated request histogram with the SLO bucket boundaries, object gauges
// computed on scrape, registration and lease metrics, and never a per-cluster label.
import { Histogram, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../server';
import { DURATION_BUCKETS, SimulatorMetrics, type MetricsSource } from './registry';
import { call, clusterPath, OP, registerReady, start } from '../test-helpers';

let sim: RunningSimulator;
let text: string;
beforeAll(async () => {
  sim = await start({ processMetrics: true });
  const tokens: string[] = [];
  for (const name of ['edge-one', 'edge-two', 'edge-three']) tokens.push(await registerReady(sim.url, 'fleet', name, { env: 'prod' }));
  for (const [i, t] of tokens.entries()) await call(sim.url, 'PUT', `${clusterPath('fleet', ['edge-one', 'edge-two', 'edge-three'][i] as string)}/lease`, { token: t });
  await call(sim.url, 'POST', '/api/v1/namespaces/fleet/bundles', { token: OP, body: { name: 'bundle-x', selector: 'env=prod' } });
  await call(sim.url, 'PUT', `${clusterPath('fleet', 'edge-one')}/deployments/bundle-x/status`, { token: tokens[0], body: { generation: 1, state: 'Ready' } });
  await call(sim.url, 'GET', '/api/v1/namespaces/fleet/clusters', { token: OP });
  text = (await call<string>(sim.url, 'GET', '/metrics')).body;
});
afterAll(async () => {
  await sim.close();
});

describe('/metrics', () => {
  it('has the request histogram by route template, verb, scope and code with SLO buckets', () => {
    const lease = /fleetsim_request_duration_seconds_count\{route="\/api\/v1\/namespaces\/\{ns\}\/clusters\/\{name\}\/lease",verb="PUT",scope="resource",code="200"\} 3/;
    expect(text).toMatch(lease);
    expect(text).toMatch(/fleetsim_request_duration_seconds_count\{route="\/api\/v1\/namespaces\/\{ns\}\/clusters",verb="LIST",scope="namespace",code="200"\} 1/);
    for (const le of ['0.005', '1', '5', '30']) expect(text).toContain(`le="${le}",route="/api/v1/namespaces/{ns}/clusters/{name}/lease"`);
  });

  it('counts objects by kind and state', () => {
    expect(text).toMatch(/fleetsim_objects\{kind="cluster",state="Ready"\} 3/);
    expect(text).toMatch(/fleetsim_objects\{kind="deployment",state="Ready"\} 1/);
    expect(text).toMatch(/fleetsim_objects\{kind="deployment",state="Pending"\} 2/);
    expect(text).toMatch(/fleetsim_objects\{kind="bundle",state="all"\} 1/);
  });

  it('exports registration, lease and process metrics', () => {
    expect(text).toMatch(/fleetsim_registration_wait_seconds_count 3/);
    expect(text).toMatch(/fleetsim_registrations_total\{result="new"\} 3/);
    expect(text).toMatch(/fleetsim_registration_queue_depth\{state="queued"\} 0/);
    expect(text).toMatch(/fleetsim_lease_renewals_total 3/);
    expect(text).toMatch(/fleetsim_lease_expiries_total 0/);
    expect(text).toMatch(/fleetsim_process_cpu_seconds_total/);
  });

  it('never labels a series with a cluster or bundle name', () => {
    expect(text).not.toMatch(/edge-(one|two|three)/);
    expect(text).not.toContain('bundle-x');
  });
});

describe('fleetsim_request_duration_seconds', () => {
  const source: MetricsSource = {
    clusterPhases: () => ({ Pending: 0, Ready: 0, Unknown: 0 }),
    deploymentStates: () => ({ Pending: 0, Applied: 0, Ready: 0, Failed: 0 }),
    bundles: () => 0,
    namespaces: () => 0,
    registrationQueue: () => ({ queued: 0, inProgress: 0 }),
    parkedRequests: () => 0,
    inflight: () => 0,
  };

  it('renders exactly what prom-client\'s own Histogram renders for the same observations', async () => {
    const ours = new SimulatorMetrics(source, false);
    const help = ((await ours.registry.getMetricsAsJSON()).find((m) => m.name === 'fleetsim_request_duration_seconds') as { help: string }).help;
    const reference = new Registry();
    const histogram = new Histogram({ name: 'fleetsim_request_duration_seconds', help, labelNames: ['route', 'verb', 'scope', 'code'], buckets: DURATION_BUCKETS, registers: [reference] });
    const routes: [string, string, string][] = [
      ['/api/v1/namespaces/{ns}/clusters/{name}/lease', 'PUT', 'resource'],
      ['/api/v1/namespaces/{ns}/clusters/{name}/deployments', 'WATCH', 'namespace'],
      ['/api/v1/clusters', 'LIST', 'cluster'],
      ['unmatched', 'GET', ''],
    ];
    // Values on, between and beyond the bounds, in an order that creates series interleaved.
    const values = [0, 0.001, 0.0010001, 0.003, 0.005, 0.02, 0.25, 0.9999, 1, 2.5, 7, 30, 60, 61, 1e-9, 0.1 + 0.2];
    for (let i = 0; i < 400; i++) {
      const [route, verb, scope] = routes[(i * 7) % routes.length] as [string, string, string];
      const code = [200, 204, 404, 429][(i * 3) % 4] as number;
      const seconds = (values[i % values.length] as number) * (1 + (i % 5) / 7);
      ours.observeRequest(route, verb, scope, code, seconds);
      histogram.observe({ route, verb, scope, code: String(code) }, seconds);
    }
    const text = await ours.registry.getSingleMetricAsString('fleetsim_request_duration_seconds');
    expect(text).toBe(await reference.getSingleMetricAsString('fleetsim_request_duration_seconds'));
    expect(text).toContain('le="+Inf",route="unmatched",verb="GET",scope="",code="429"}');
    expect((await ours.registry.getMetricsAsJSON()).find((m) => m.name === 'fleetsim_request_duration_seconds')).toEqual((await reference.getMetricsAsJSON())[0]);
  });
});
