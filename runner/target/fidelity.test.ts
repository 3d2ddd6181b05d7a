import { describe, expect, it } from 'vitest';
import type { TimelineWindow } from '../report/timeline-window';
import { agentMinutes, computeFidelity, fidelityLines, operatorCalls, requestCounts, templateKey } from './fidelity';

const metric = (verb: string, resource: string, n: number, extra = ''): string =>
  `apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="${resource}",scope="resource",subresource="${extra}",verb="${verb}",version="v1"} ${n}`;

describe('fidelity: calls per agent per minute from the API server counter', () => {
  it('sums a counter by verb and resource/subresource over every other label', () => {
    const text = ['# HELP apiserver_request_total x', metric('PUT', 'leases', 10), metric('PUT', 'leases', 5).replace('code="200"', 'code="409"'), metric('PATCH', 'nodes', 3, 'status'), 'apiserver_request_total_other{verb="GET"} 9'].join('\n');
    const m = requestCounts(text, 'apiserver_request_total');
    expect([...m.entries()]).toEqual([
      ['PUT leases', 15],
      ['PATCH nodes/status', 3],
    ]);
  });

  it('reads the verb and resource of a URL template as the API server labels them', () => {
    expect(templateKey('GET /api/v1/nodes/{name}')).toBe('GET nodes');
    expect(templateKey('GET /api/v1/nodes')).toBe('LIST nodes');
    expect(templateKey('GET /api/v1/namespaces/{ns}/pods')).toBe('LIST pods');
    expect(templateKey('GET /api/v1/pods?watch')).toBe('WATCH pods');
    expect(templateKey('PATCH /api/v1/nodes/{name}/status')).toBe('PATCH nodes/status');
    expect(templateKey('PUT /apis/coordination.k8s.io/v1/namespaces/{ns}/leases/{name}')).toBe('PUT leases');
    expect(templateKey('POST /api/v1/namespaces')).toBe('POST namespaces');
    expect(templateKey('GET /version')).toBeUndefined();
  });

  it('takes the operator\'s calls (by their marked templates) out of the server counts', () => {
    const window = (endpoints: TimelineWindow['endpoints']): TimelineWindow => ({ startS: 0, endS: 10, slis: {}, requests: 0, requestsFailed: 0, endpoints, agents: { registered: 0, reregistered: 0, failed: 0 }, generator: null });
    const operator = operatorCalls([window({ 'GET /api/v1/nodes/{name} (operator)': { requests: 30, failed: 0 }, 'GET /api/v1/nodes/{name}': { requests: 600, failed: 0 } }), window({ 'GET /api/v1/nodes/{name} (operator)': { requests: 20, failed: 0 } })]);
    expect([...operator.entries()]).toEqual([['GET nodes', 50]]);
    const reference = { path: '/metrics', family: 'apiserver_request_total', source: 'test', calls: [{ what: 'node GET', verb: 'GET', resource: 'nodes', perAgentPerMin: 6 }, { what: 'lease renewal', verb: 'PUT', resource: 'leases', perAgentPerMin: 6 }] };
    const f = computeFidelity({
      reference,
      before: new Map([['GET nodes', 100], ['PUT leases', 7]]),
      after: new Map([['GET nodes', 100 + 600 + 50], ['PUT leases', 7 + 540], ['POST nodes', 100], ['GET /openapi/v3', 40]]),
      operator,
      agents: 100,
      agentMinutes: 100,
    });
    expect(f.rows.map((r) => [r.call, r.serverCalls, r.operatorCalls, r.perAgentPerMin, r.ratio])).toEqual([
      ['node GET', 650, 50, 6, 1],
      ['lease renewal', 540, 0, 5.4, 0.9],
      ['POST nodes', 100, 0, 1, null],
    ]);
    expect(f.rows[2]!.perAgent).toBe(1);
    const lines = fidelityLines(f);
    expect(lines[0]).toMatch(/^calls per agent per minute, as the API server counted them \(100 agents, 100\.0 agent-minutes/);
    expect(lines.find((l) => l.startsWith('lease renewal'))).toMatch(/540\s+0\s+5\.40\s+5\.40\s+6\.00\s+0\.90$/);
  });

  it('counts agent-minutes of a fleet that starts at the registration rate', () => {
    expect(agentMinutes(600, 60, 1e9)).toBeCloseTo(600, 3);
    // 600 agents at 100/s: the last starts 6 s in, the average 3 s in.
    expect(agentMinutes(600, 60, 100)).toBeCloseTo((600 * 57) / 60, 6);
  });
});
