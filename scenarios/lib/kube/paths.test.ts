import { describe, expect, it } from 'vitest';
import { collectionPath, collectionTemplate, encodeQuery, objectPath, objectTemplate, originOf, pathEscape, queryEscape, RESOURCES, resourceType, toWebSocketUrl } from './paths';

const bundledeployments = resourceType('fleet.cattle.io', 'v1alpha1', 'bundledeployments', true);
const managedclusters = resourceType('cluster.open-cluster-management.io', 'v1', 'managedclusters', false);

describe('paths', () => {
  it('builds core and custom, namespaced and cluster-scoped paths, with subresources', () => {
    expect(objectPath({ type: RESOURCES.pods, namespace: 'default', name: 'p1' })).toBe('/api/v1/namespaces/default/pods/p1');
    expect(objectPath({ type: RESOURCES.pods, namespace: 'default', name: 'p1', subresource: 'status' })).toBe('/api/v1/namespaces/default/pods/p1/status');
    expect(objectPath({ type: RESOURCES.nodes, name: 'n1' })).toBe('/api/v1/nodes/n1');
    expect(objectPath({ type: RESOURCES.leases, namespace: 'kube-node-lease', name: 'n1' })).toBe('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1');
    expect(objectPath({ type: bundledeployments, namespace: 'cluster-x', name: 'b', subresource: 'status' })).toBe(
      '/apis/fleet.cattle.io/v1alpha1/namespaces/cluster-x/bundledeployments/b/status',
    );
    expect(objectPath({ type: managedclusters, name: 'c1' })).toBe('/apis/cluster.open-cluster-management.io/v1/managedclusters/c1');
    expect(collectionPath({ type: RESOURCES.pods })).toBe('/api/v1/pods');
    expect(collectionPath({ type: RESOURCES.pods, namespace: 'ns' })).toBe('/api/v1/namespaces/ns/pods');
    expect(collectionPath({ type: RESOURCES.nodes })).toBe('/api/v1/nodes');
  });

  it('refuses references that do not fit the scope, or have no name', () => {
    expect(() => objectPath({ type: RESOURCES.pods, name: 'p1' })).toThrow(/namespaced/);
    expect(() => objectPath({ type: RESOURCES.nodes, namespace: 'x', name: 'n1' })).toThrow(/cluster-scoped/);
    expect(() => collectionPath({ type: RESOURCES.nodes, namespace: 'x' })).toThrow(/cluster-scoped/);
    expect(() => objectPath({ type: RESOURCES.nodes, name: '' })).toThrow(/needs a name/);
  });

  it('gives URL templates without names, so metrics group by template', () => {
    expect(objectTemplate({ type: RESOURCES.pods, namespace: 'a', name: 'p1' })).toBe('/api/v1/namespaces/{ns}/pods/{name}');
    expect(objectTemplate({ type: RESOURCES.pods, namespace: 'b', name: 'p2', subresource: 'status' })).toBe('/api/v1/namespaces/{ns}/pods/{name}/status');
    expect(objectTemplate({ type: RESOURCES.nodes, name: 'n1' })).toBe('/api/v1/nodes/{name}');
    expect(collectionTemplate({ type: RESOURCES.pods, namespace: 'a' })).toBe('/api/v1/namespaces/{ns}/pods');
    expect(collectionTemplate({ type: RESOURCES.pods })).toBe('/api/v1/pods');
    expect(collectionTemplate({ type: bundledeployments, namespace: 'x' })).toBe('/apis/fleet.cattle.io/v1alpha1/namespaces/{ns}/bundledeployments');
  });

  it('encodes queries as Go does: sorted keys, zero values left out, rv 0 kept', () => {
    expect(encodeQuery({ resourceVersion: '0', limit: 500 })).toBe('?limit=500&resourceVersion=0');
    expect(encodeQuery({ watch: true, timeoutSeconds: 412, resourceVersion: '123', allowWatchBookmarks: true })).toBe('?allowWatchBookmarks=true&resourceVersion=123&timeoutSeconds=412&watch=true');
    expect(encodeQuery({ watch: true, sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true, resourceVersion: '' })).toBe(
      '?allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&watch=true',
    );
    expect(encodeQuery({ limit: 0, resourceVersion: '', continue: '', watch: false })).toBe('');
    expect(encodeQuery(undefined)).toBe('');
    expect(encodeQuery({ continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTB9', limit: 500 })).toBe('?continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTB9&limit=500');
  });

  it('escapes selector values like url.QueryEscape', () => {
    expect(encodeQuery({ fieldSelector: 'spec.nodeName=node-1' })).toBe('?fieldSelector=spec.nodeName%3Dnode-1');
    expect(queryEscape('app in (a,b),!canary')).toBe('app+in+%28a%2Cb%29%2C%21canary');
    expect(queryEscape("it's*")).toBe('it%27s%2A');
    expect(queryEscape('a/b?c&d#e')).toBe('a%2Fb%3Fc%26d%23e');
    expect(queryEscape('Plain-1.2_~')).toBe('Plain-1.2_~');
    expect(decodeURIComponent(queryEscape('é ü').replace(/\+/g, ' '))).toBe('é ü');
  });

  it('escapes path segments but keeps colons in names such as system:node:n1', () => {
    expect(pathEscape('system:node:n1')).toBe('system:node:n1');
    expect(pathEscape('a b/c')).toBe('a%20b%2Fc');
    expect(objectPath({ type: RESOURCES.secrets, namespace: 'ns', name: 'a/b' })).toBe('/api/v1/namespaces/ns/secrets/a%2Fb');
  });

  it('turns an API URL into its WebSocket form and origin', () => {
    expect(toWebSocketUrl('http://127.0.0.1:6443/api/v1/pods?watch=true')).toBe('ws://127.0.0.1:6443/api/v1/pods?watch=true');
    expect(toWebSocketUrl('https://api.example:6443/api')).toBe('wss://api.example:6443/api');
    expect(originOf('https://api.example:6443/api/v1/pods?watch=true')).toBe('https://api.example:6443');
    expect(originOf('http://h')).toBe('http://h');
  });
});
