// The lease controller on a fake clock: expiry after duration x grace, renewal order, and a sweep
// that touches only what expired.
import { describe, expect, it } from 'vitest';
import { LeaseController } from './lease-controller';
import { Store, type Cluster } from './store';

function setup(n: number): { store: Store; leases: LeaseController; clusters: Cluster[]; clock: { now: number }; expired: number[] } {
  const clock = { now: 1_000_000 };
  const store = new Store({ deploymentsChanged: () => undefined }, 10, 'boot0000');
  const expired: number[] = [];
  const leases = new LeaseController(store, 10, 1.5, { expired: (k) => expired.push(k) }, () => clock.now);
  const clusters: Cluster[] = [];
  for (let i = 0; i < n; i++) {
    const c = store.register('ns', `c${i}`, {}, clock.now);
    store.completeRegistration(c, `t${i}`, clock.now);
    leases.touch(c);
    clusters.push(c);
    clock.now += 1000; // one second apart
  }
  return { store, leases, clusters, clock, expired };
}

describe('LeaseController', () => {
  it('expires exactly the clusters silent for longer than duration x grace, oldest first', () => {
    const { leases, clusters, clock, expired } = setup(5);
    // c0 renewed at +0 s ... c4 at +4 s; now = +5 s. Timeout 15 s.
    clock.now += 10_500; // +15.5 s: only c0 is older than 15 s
    expect(leases.sweep()).toBe(1);
    expect(clusters.map((c) => c.phase)).toEqual(['Unknown', 'Ready', 'Ready', 'Ready', 'Ready']);
    expect(expired).toEqual([1]);
    expect(leases.sweep()).toBe(0); // the expired one left the list
  });

  it('moves a renewed cluster to the back', () => {
    const { store, leases, clusters, clock } = setup(3);
    store.renewLease(clusters[0] as Cluster, clock.now); // c0 now the newest
    leases.touch(clusters[0] as Cluster);
    clock.now += 14_500; // now +17.5 s: c1 (+1 s) and c2 (+2 s) are past 15 s; c0 (renewed at +3 s) is not
    expect(leases.sweep()).toBe(2);
    expect(clusters.map((c) => c.phase)).toEqual(['Ready', 'Unknown', 'Unknown']);
  });

  it('brings an Unknown cluster back on renewal and tracks it again', () => {
    const { store, leases, clusters, clock } = setup(1);
    const c = clusters[0] as Cluster;
    clock.now += 20_000;
    leases.sweep();
    expect(c.phase).toBe('Unknown');
    const rev = c.revision;
    expect(store.renewLease(c, clock.now)).toBe(true);
    leases.touch(c);
    expect(c.phase).toBe('Ready');
    expect(c.revision).toBeGreaterThan(rev);
    clock.now += 16_000;
    expect(leases.sweep()).toBe(1);
  });

  it('forgets removed clusters', () => {
    const { leases, clusters, clock } = setup(3);
    leases.remove(clusters[1] as Cluster);
    clock.now += 60_000;
    expect(leases.sweep()).toBe(2);
    expect(clusters[1]?.phase).toBe('Ready');
  });
});
