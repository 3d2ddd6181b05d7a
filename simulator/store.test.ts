// Model check of the store: after any sequence of registrations, relabels, bundle updates and
// deletions, status reports and cluster deletions, every bundle targets exactly the matching
// clusters of its namespace and its incrementally kept counts equal a recount.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSelector } from './selectors';
import { Store, type Cluster } from './store';

type Op =
  | { kind: 'register'; ns: number; name: number; env: string }
  | { kind: 'ready'; ns: number; name: number }
  | { kind: 'relabel'; ns: number; name: number; env: string | null }
  | { kind: 'bundle'; ns: number; name: number; selector: string }
  | { kind: 'deleteBundle'; ns: number; name: number }
  | { kind: 'report'; ns: number; name: number; bundle: number; state: 'Applied' | 'Ready' | 'Failed' }
  | { kind: 'deleteCluster'; ns: number; name: number };

// Few names, so operations keep hitting the same clusters and bundles.
const idx = fc.integer({ min: 0, max: 1 });
const env = fc.constantFrom('prod', 'dev', 'test');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('register' as const), ns: idx, name: idx, env }),
  fc.record({ kind: fc.constant('ready' as const), ns: idx, name: idx }),
  fc.record({ kind: fc.constant('relabel' as const), ns: idx, name: idx, env: fc.option(env, { nil: null }) }),
  fc.record({ kind: fc.constant('bundle' as const), ns: idx, name: idx, selector: fc.constantFrom('', 'env=prod', 'env!=prod', 'env in (dev,test)', '!env', 'env') }),
  fc.record({ kind: fc.constant('deleteBundle' as const), ns: idx, name: idx }),
  fc.record({ kind: fc.constant('report' as const), ns: idx, name: idx, bundle: idx, state: fc.constantFrom('Applied' as const, 'Ready' as const, 'Failed' as const) }),
  fc.record({ kind: fc.constant('deleteCluster' as const), ns: idx, name: idx }),
);

function apply(store: Store, o: Op, now: number, changed: Set<Cluster>): void {
  const ns = `ns${o.ns}`;
  const c = store.cluster(ns, `c${o.name}`);
  switch (o.kind) {
    case 'register':
      store.register(ns, `c${o.name}`, { env: o.env }, now);
      return;
    case 'ready':
      if (c !== undefined && c.regPending) store.completeRegistration(c, `t-${ns}-${o.name}-${now}`, now);
      return;
    case 'relabel':
      if (c !== undefined) store.patchLabels(c, { env: o.env });
      return;
    case 'bundle':
      store.upsertBundle(ns, `b${o.name}`, parseSelector(o.selector, 's'), 'p', null, now);
      return;
    case 'deleteBundle': {
      const b = store.namespace(ns, false)?.bundles.get(`b${o.name}`);
      if (b !== undefined) store.deleteBundle(b);
      return;
    }
    case 'report': {
      const d = c?.findDeployment(`b${o.bundle}`);
      if (d !== undefined) store.reportStatus(d, o.state, now);
      return;
    }
    case 'deleteCluster':
      if (c !== undefined) {
        store.deleteCluster(c);
        changed.delete(c);
      }
      return;
  }
}

describe('Store', () => {
  it('keeps bundle targets and counts consistent under any sequence of operations', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 10, maxLength: 80, size: 'max' }), (ops) => {
        const changed = new Set<Cluster>();
        const store = new Store({ deploymentsChanged: (c) => changed.add(c) }, 10, 'boot0000');
        let now = 1;
        for (const o of ops) apply(store, o, now++, changed);
        for (const ns of store.namespaces.values()) {
          for (const b of ns.bundles.values()) {
            const expected = [...ns.clusters.values()].filter((c) => c.phase !== 'Pending' && b.selector.matches(c.labels));
            expect(new Set(b.targets)).toEqual(new Set(expected));
            let applied = 0;
            let ready = 0;
            let failed = 0;
            for (const c of expected) {
              const d = c.findDeployment(b.name);
              expect(d).toBeDefined();
              expect(d?.generation).toBe(b.generation);
              if (d?.state === 'Applied' || d?.state === 'Ready') applied++;
              if (d?.state === 'Ready') ready++;
              if (d?.state === 'Failed') failed++;
            }
            expect(b.status(false)).toMatchObject({ desired: expected.length, applied, ready, failed });
          }
          for (const c of ns.clusters.values()) {
            // No deployment of a bundle that no longer exists or no longer selects the cluster.
            for (const d of c.deployments ?? []) expect(ns.bundles.get(d.bundle.name)?.targets.has(c)).toBe(true);
            // Every change of a cluster's deployments moved its revision forward.
            if ((c.deployments?.length ?? 0) > 0) expect(c.deploymentsRevision).toBeGreaterThan(0);
            // What is served (built from pieces) is what JSON.stringify writes.
            expect(c.deploymentListJson()).toBe(JSON.stringify(c.deploymentList()));
            expect(c.viewJson()).toBe(JSON.stringify(c.view()));
          }
        }
        expect(store.bundleCount).toBe([...store.namespaces.values()].reduce((n, ns) => n + ns.bundles.size, 0));
      }),
      { numRuns: 500 },
    );
  });
});

describe('Cluster', () => {
  it('serves its deployment list as JSON.stringify would, whatever the names and payloads hold', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.integer({ min: 0, max: 4 }), (ns, payload, payload2, updates) => {
        const store = new Store({ deploymentsChanged: () => undefined }, 10, 'boot0000');
        const c = store.register(ns, 'c', {}, 1);
        store.completeRegistration(c, 't', 2);
        store.upsertBundle(ns, 'b-1', parseSelector('', 's'), payload, null, 3);
        const b2 = store.upsertBundle(ns, 'b.2', parseSelector('', 's'), payload2, null, 4.5);
        for (let i = 0; i < updates; i++) {
          // A new payload must not leave the old one's escaped text behind.
          store.upsertBundle(ns, 'b.2', parseSelector('', 's'), `${payload2}${i}"\\\n`, null, 5 + i);
          store.reportStatus(c.findDeployment('b.2') as NonNullable<ReturnType<Cluster['findDeployment']>>, i % 2 === 0 ? 'Ready' : 'Failed', 6);
        }
        expect(b2.payloadJson).toBe(JSON.stringify(b2.payload));
        expect(c.deploymentListJson()).toBe(JSON.stringify(c.deploymentList()));
      }),
      { numRuns: 300 },
    );
  });

  it('serves its view as JSON.stringify would, whatever its names and labels hold', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.dictionary(fc.string(), fc.string()), fc.dictionary(fc.string(), fc.option(fc.string(), { nil: null })), (ns, name, labels, patch) => {
        const store = new Store({ deploymentsChanged: () => undefined }, 10, 'boot0000');
        const c = store.register(ns, name, labels, 1);
        expect(c.viewJson()).toBe(JSON.stringify(c.view()));
        store.completeRegistration(c, 't', 2);
        store.renewLease(c, 3);
        store.patchLabels(c, patch);
        expect(c.viewJson()).toBe(JSON.stringify(c.view()));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps node health as received and serves the nodes as serialising them on receipt did', () => {
    const store = new Store({ deploymentsChanged: () => undefined }, 10, 'boot0000');
    const c = store.register('ns', 'c', {}, 1);
    expect(c.healthJson()).toBeNull();
    const nodes = [{ name: 'n\u00e9', conditions: { Ready: 'True', '1': 'False' }, capacity: { cpu: 1.50, memoryBytes: 1e3, pods: 110 }, usage: { cpu: -0, memoryBytes: 0, pods: 0 } }];
    // Whitespace, escapes, number forms and key order as a client may send them.
    const doc = ` { "nodes" : [ { "name": "n\\u00e9", "conditions": { "Ready": "True", "1": "False" }, "capacity": { "cpu": 1.50, "memoryBytes": 1e3, "pods": 110 }, "usage": { "cpu": -0, "memoryBytes": 0, "pods": 0 } } ] } `;
    c.setHealthDoc(doc, 5);
    expect(c.healthJson()).toBe(JSON.stringify((JSON.parse(doc) as { nodes: unknown }).nodes));
    expect(JSON.parse(c.healthJson() as string)).toEqual(JSON.parse(JSON.stringify(nodes)));
    c.setHealth([], 6);
    expect(c.healthJson()).toBe('[]');
    expect(c.healthAt).toBe(6);
  });
});
