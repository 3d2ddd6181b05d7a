// The route tree must choose as the original table walk did: the first template (in table order)
// whose segments match, its parameters, and a 405 with the template's methods otherwise.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RouteSpec } from './context';
import { Router, type Match } from './router';
import { ROUTES } from './server';

/** The original router (a linear walk over split templates), kept as the reference. */
function reference(routes: readonly RouteSpec[], method: string, pathname: string): Match {
  const paths: { segments: (string | null)[]; byMethod: Map<string, RouteSpec> }[] = [];
  const byTemplate = new Map<string, (typeof paths)[number]>();
  for (const r of routes) {
    let p = byTemplate.get(r.path);
    if (p === undefined) {
      p = { segments: r.path.split('/').slice(1).map((s) => (s.startsWith('{') ? null : s)), byMethod: new Map() };
      byTemplate.set(r.path, p);
      paths.push(p);
    }
    p.byMethod.set(r.method, r);
  }
  const parts = pathname.split('/');
  for (const p of paths) {
    if (p.segments.length !== parts.length - 1) continue;
    let ok = true;
    for (let i = 0; i < p.segments.length; i++) {
      const want = p.segments[i];
      const got = parts[i + 1] as string;
      if (want === null ? got === '' : want !== got) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    const route = p.byMethod.get(method);
    if (route === undefined) return { kind: 'method', allow: [...p.byMethod.keys()].join(', ') };
    const params: string[] = [];
    for (let i = 0; i < p.segments.length; i++) if (p.segments[i] === null) params.push(parts[i + 1] as string);
    return { kind: 'route', route, params };
  }
  return { kind: 'none' };
}

const segment = fc.oneof(
  { arbitrary: fc.constantFrom('api', 'v1', 'namespaces', 'clusters', 'bundles', 'registrations', 'lease', 'health', 'events', 'deployments', 'status', 'admin', 'faults', 'healthz', 'metrics', 'info'), weight: 6 },
  { arbitrary: fc.constantFrom('fleet', 'edge-1', 'x', '', '%2F', 'api'), weight: 3 },
  { arbitrary: fc.string({ maxLength: 6 }).filter((s) => !s.includes('/')), weight: 1 },
);

describe('Router', () => {
  it('matches every template with its own parameters', () => {
    const router = new Router(ROUTES);
    for (const r of ROUTES) {
      const path = r.path.replace(/\{[a-z]+\}/g, (m) => `p-${m.slice(1, -1)}`);
      const m = router.match(r.method, path);
      expect(m).toEqual(reference(ROUTES, r.method, path));
      expect(m.kind === 'route' && m.route).toBe(r);
    }
  });

  it('agrees with the original table walk on random paths', () => {
    const router = new Router(ROUTES);
    // Real templates with their parameters replaced by random segments, or random paths altogether.
    const templated = fc.tuple(fc.constantFrom(...ROUTES.map((r) => r.path)), fc.array(segment, { minLength: 4, maxLength: 4 })).map(([t, segs]) => {
      let i = 0;
      return t.replace(/\{[a-z]+\}/g, () => segs[i++] ?? 'x');
    });
    const random = fc.array(segment, { maxLength: 8 }).map((segs) => `/${segs.join('/')}`);
    const path = fc.oneof(templated, random, fc.constantFrom('/', '', '*', 'http://x/healthz', 'x/healthz', '//healthz', '/healthz/'));
    fc.assert(
      fc.property(fc.constantFrom('GET', 'PUT', 'POST', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'), path, (method, p) => {
        // A request-target that does not start with '/' never reaches a route (the old walk
        // ignored what came before the first '/', which node's parser never let through).
        const want = p.startsWith('/') ? reference(ROUTES, method, p) : { kind: 'none' };
        expect(router.match(method, p)).toEqual(want);
      }),
      { numRuns: 5000 },
    );
  });

  it('prefers the first template of the table where a literal and a parameter both match', () => {
    const mk = (method: RouteSpec['method'], path: string): RouteSpec => ({ method, path, auth: 'none', group: null, verb: method, scope: '', body: 'none', handle: () => ({ status: 204 }) });
    const tables = [
      [mk('GET', '/a/{x}/c'), mk('GET', '/a/b/c'), mk('PUT', '/a/b/{y}')],
      [mk('GET', '/a/b/c'), mk('GET', '/a/{x}/c'), mk('PUT', '/a/{x}/{y}')],
    ];
    for (const table of tables) {
      const router = new Router(table);
      for (const p of ['/a/b/c', '/a/z/c', '/a/b/d', '/a/z/d', '/a/b', '/a//c']) for (const m of ['GET', 'PUT']) expect(router.match(m, p)).toEqual(reference(table, m, p));
    }
  });
});
