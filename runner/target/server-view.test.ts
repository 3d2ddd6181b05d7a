import { describe, expect, it } from 'vitest';
import { quantileFromBuckets, serverViewFromText } from './server-view';

const TEXT = `# HELP fleetsim_request_duration_seconds x
# TYPE fleetsim_request_duration_seconds histogram
fleetsim_request_duration_seconds_bucket{le="0.001",route="/api/v1/namespaces/{ns}/clusters/{name}/lease",verb="PUT",scope="resource",code="200"} 50
fleetsim_request_duration_seconds_bucket{le="0.01",route="/api/v1/namespaces/{ns}/clusters/{name}/lease",verb="PUT",scope="resource",code="200"} 90
fleetsim_request_duration_seconds_bucket{le="0.1",route="/api/v1/namespaces/{ns}/clusters/{name}/lease",verb="PUT",scope="resource",code="200"} 100
fleetsim_request_duration_seconds_bucket{le="+Inf",route="/api/v1/namespaces/{ns}/clusters/{name}/lease",verb="PUT",scope="resource",code="200"} 100
fleetsim_request_duration_seconds_bucket{le="0.001",route="/bundles",verb="POST",scope="resource",code="201"} 0
fleetsim_request_duration_seconds_bucket{le="0.01",route="/bundles",verb="POST",scope="resource",code="201"} 0
fleetsim_request_duration_seconds_bucket{le="0.1",route="/bundles",verb="POST",scope="resource",code="201"} 0
fleetsim_request_duration_seconds_bucket{le="+Inf",route="/bundles",verb="POST",scope="resource",code="201"} 0
fleetsim_request_duration_seconds_bucket{le="0.001",route="/watch",verb="WATCH",scope="namespace",code="200"} 0
fleetsim_request_duration_seconds_bucket{le="+Inf",route="/watch",verb="WATCH",scope="namespace",code="200"} 7
fleetsim_request_duration_seconds_bucket{le="0.001",route="/clusters",verb="LIST",scope="cluster",code="200"} 3
fleetsim_request_duration_seconds_bucket{le="+Inf",route="/clusters",verb="LIST",scope="cluster",code="200"} 3
`;

describe("the target's own view", () => {
  it('sums series per API SLI and interpolates the P99 as histogram_quantile does', () => {
    const view = serverViewFromText(TEXT)!;
    expect(view['api-mutating']?.count).toBe(100);
    // rank 99 of 100 lies in (0.01, 0.1]: 0.01 + 0.09 × 9/10.
    expect(view['api-mutating']?.p99Ms).toBeCloseTo(91, 5);
    expect(view['api-read-cluster']).toEqual({ count: 3, p99Ms: expect.any(Number) });
    // Watches are no API SLI.
    expect(Object.keys(view).sort()).toEqual(['api-mutating', 'api-read-cluster']);
  });

  it('is undefined for a target without the histogram', () => {
    expect(serverViewFromText('up 1\n')).toBeUndefined();
  });

  it('reads the bucket edges', () => {
    expect(quantileFromBuckets(0.5, new Map([[1, 10], [2, 20], [Infinity, 20]]))).toBeCloseTo(1, 5);
    expect(quantileFromBuckets(0.99, new Map([[Infinity, 0]]))).toBeNull();
  });
});
