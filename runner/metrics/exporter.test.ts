import { describe, expect, it } from 'vitest';
import config from '../../k6.config';
import type { SampleLine } from '../../engine/samples';
import { Measurements } from '../ingest/measurements';
import { Exporter } from './exporter';

function point(metric: string, value: number, tags: Record<string, string>): SampleLine {
  return { type: 'Point', metric, data: { time: '2026-11-21T12:00:00.000Z', value, tags } };
}

function exporterFor(): { m: Measurements; e: Exporter } {
  const m = new Measurements(config.base.slos);
  const e = new Exporter({ slos: config.base.slos, measurements: m, processMetrics: false, progress: () => ({ dueRegistrations: m.counts.registered, registered: m.counts.registered }), run: { runId: 'r1', release: 'v1.2.3', profile: 'smoke', engine: 'embedded', clusters: 3, protocol: 'fleetload-sim' } });
  m.observe(e);
  return { m, e };
}

describe('Exporter text for a known stream', () => {
  const stream: SampleLine[] = [
    point('http_req_duration', 12, { sli: 'mutating', verb: 'PUT', resource: 'leases', scope: 'resource', status: '200', method: 'PUT' }),
    point('http_req_duration', 1500, { sli: 'mutating', verb: 'PUT', resource: 'leases', scope: 'resource', status: '200', method: 'PUT' }),
    point('http_req_duration', 3, { sli: 'none', verb: 'WATCH', resource: 'deployments', scope: 'namespace', status: '429', method: 'GET' }),
    point('fleet_registration_duration', 250, { kind: 'initial' }),
    point('fleet_agents_registered', 1, {}),
    point('fleet_agents_registered', 1, {}),
    point('fleet_heartbeats', 1, {}),
    point('vus', 3, {}),
  ];

  it('names, labels and buckets', async () => {
    const { m, e } = exporterFor();
    m.ingest(stream);
    const text = await e.registry.metrics();
    expect(text).toContain('fleetload_api_request_duration_seconds_bucket{le="1",verb="PUT",resource="leases",scope="resource",code_class="2xx"} 1');
    expect(text).toContain('fleetload_api_request_duration_seconds_bucket{le="2",verb="PUT",resource="leases",scope="resource",code_class="2xx"} 2');
    expect(text).toContain('fleetload_api_request_duration_seconds_count{verb="WATCH",resource="deployments",scope="namespace",code_class="4xx"} 1');
    expect(text).toContain('fleetload_registration_duration_seconds_bucket{le="0.25",kind="initial"} 1');
    expect(text).toContain('fleetload_agents{state="registered"} 2');
    expect(text).toContain('fleetload_agents{state="requested"} 3');
    expect(text).toContain('fleetload_events_total{kind="heartbeat"} 1');
    expect(text).toContain('fleetload_events_total{kind="request_failed"} 1');
    expect(text).toContain('fleetload_slo_objective_seconds{sli="api-read-namespace",percentile="99"} 5');
    expect(text).toContain('fleetload_slo_ok{sli="api-mutating"} 0');
    expect(text).toContain('fleetload_slo_ok{sli="registration"} 1');
    expect(text).not.toContain('fleetload_slo_ok{sli="distribution"}');
    expect(text).toContain('fleetload_run_info{run_id="r1",release="v1.2.3",profile="smoke",engine="embedded",clusters="3",protocol="fleetload-sim"} 1');
  });

  it('has a bucket boundary at every SLO threshold', async () => {
    const { e } = exporterFor();
    const text = await e.registry.metrics();
    expect(text).toMatch(/# TYPE fleetload_api_request_duration_seconds histogram/);
    const { m: m2, e: e2 } = exporterFor();
    m2.ingest([point('http_req_duration', 1, { sli: 'mutating', verb: 'PUT', resource: 'leases', scope: 'resource', status: '200' })]);
    const filled = await e2.registry.metrics();
    for (const le of ['1', '2', '5', '10', '30']) expect(filled).toContain(`fleetload_api_request_duration_seconds_bucket{le="${le}",`);
  });

  it('keeps the verdict recorders in step with the stream', () => {
    const { m } = exporterFor();
    m.ingest(stream);
    expect(m.recorder('api-mutating').count).toBe(2);
    expect(m.recorder('registration').count).toBe(1);
    expect(m.counts.requests).toBe(3);
    expect(m.counts.requestsFailed).toBe(1);
    expect(m.counts.registered).toBe(2);
  });

  it('judges the live gauge by the one judge: overdue registrations fail it, as the final verdict would', async () => {
    const m = new Measurements(config.base.slos);
    const e = new Exporter({ slos: config.base.slos, measurements: m, processMetrics: false, progress: () => ({ dueRegistrations: 3, registered: m.counts.registered }), run: { runId: 'r', release: 'v', profile: 'smoke', engine: 'embedded', clusters: 3 } });
    m.observe(e);
    m.ingest([point('fleet_registration_duration', 20, { kind: 'initial' }), point('fleet_agents_registered', 1, {}), point('fleet_registration_duration', 25, { kind: 'initial' }), point('fleet_agents_registered', 1, {})]);
    expect(await e.registry.metrics()).toContain('fleetload_slo_ok{sli="registration"} 0');
    m.ingest([point('fleet_registration_duration', 30, { kind: 'initial' }), point('fleet_agents_registered', 1, {})]);
    expect(await e.registry.metrics()).toContain('fleetload_slo_ok{sli="registration"} 1');
  });
});
