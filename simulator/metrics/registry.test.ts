// /metrics: route-templated request histogram with the SLO bucket boundaries, object gauges
// computed on scrape, registration and lease metrics, and never a per-cluster label.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../server';
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
