import { describe, expect, it } from 'vitest';
import type { Scope, Verb } from '../http-types';
import { SLIS } from '../sli';
import { RESOURCES } from './paths';
import { collectionTags, objectTags, sliOf } from './sli-tags';

describe('SLI tags', () => {
  it('maps verb and scope to the SIG-scalability SLIs', () => {
    const table: [Verb, Scope, string][] = [
      ['POST', 'resource', 'mutating'],
      ['PUT', 'resource', 'mutating'],
      ['PATCH', 'resource', 'mutating'],
      ['DELETE', 'resource', 'mutating'],
      ['GET', 'resource', 'read-resource'],
      ['LIST', 'namespace', 'read-namespace'],
      ['LIST', 'cluster', 'read-cluster'],
      ['WATCH', 'namespace', 'none'],
      ['WATCH', 'cluster', 'none'],
    ];
    for (const [verb, scope, sli] of table) expect(sliOf(verb, scope), `${verb} ${scope}`).toBe(sli);
  });

  it('uses only tags of the SLI table (or none)', () => {
    const known = new Set<string>(['none', ...SLIS.flatMap((d) => ('tag' in d ? [d.tag] : []))]);
    for (const verb of ['POST', 'PUT', 'PATCH', 'DELETE', 'GET', 'LIST', 'WATCH'] as const) for (const scope of ['resource', 'namespace', 'cluster'] as const) expect(known).toContain(sliOf(verb, scope));
  });

  it('tags a call with its scope, resource (subresource apart) and URL template', () => {
    expect(objectTags('PATCH', { type: RESOURCES.nodes, name: 'n7', subresource: 'status' })).toEqual({
      sli: 'mutating',
      verb: 'PATCH',
      resource: 'nodes/status',
      scope: 'resource',
      name: 'PATCH /api/v1/nodes/{name}/status',
    });
    expect(objectTags('GET', { type: RESOURCES.leases, namespace: 'kube-node-lease', name: 'n7' })).toEqual({
      sli: 'read-resource',
      verb: 'GET',
      resource: 'leases',
      scope: 'resource',
      name: 'GET /apis/coordination.k8s.io/v1/namespaces/{ns}/leases/{name}',
    });
    // A create is scoped `resource` by the apiserver even though it goes to a collection.
    expect(collectionTags('POST', { type: RESOURCES.pods, namespace: 'a' })).toMatchObject({ sli: 'mutating', scope: 'resource', name: 'POST /api/v1/namespaces/{ns}/pods' });
    expect(collectionTags('LIST', { type: RESOURCES.pods, namespace: 'a' })).toMatchObject({ sli: 'read-namespace', scope: 'namespace', name: 'GET /api/v1/namespaces/{ns}/pods' });
    expect(collectionTags('LIST', { type: RESOURCES.pods })).toMatchObject({ sli: 'read-cluster', scope: 'cluster', name: 'GET /api/v1/pods' });
    expect(collectionTags('WATCH', { type: RESOURCES.pods })).toMatchObject({ sli: 'none', verb: 'WATCH', scope: 'cluster', name: 'GET /api/v1/pods?watch' });
  });
});
