// isValid (the allocation-free check every body goes through) must accept exactly what check (the
// walk that names the first problem) accepts, for every request schema: random bodies near the
// valid ones, with fields dropped, added, retyped, stretched and emptied.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as schemas from './schemas';
import { check, isValid, type Schema } from './validate';

/** A generator of values around `schema`: mostly valid, often slightly wrong. */
function near(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const junk = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 5 }), fc.constant([]), fc.constant({}));
  const valid = ((): fc.Arbitrary<unknown> => {
    switch (schema.kind) {
      case 'string':
        return fc.oneof(
          fc.constantFrom('a', 'edge-1', 'fleet', 'x.y', 'True', '', 'A_B', 'a'.repeat(64), 'example.com/key', '-bad', 'ok-1'),
          fc.string({ minLength: 0, maxLength: 70 }),
        );
      case 'number':
        return fc.oneof(fc.integer({ min: -3, max: 5 }), fc.double({ noNaN: false }), fc.constantFrom(0, 1, 1.5, 1e20, -0, Number.MAX_SAFE_INTEGER));
      case 'enum':
        return fc.oneof(fc.constantFrom(...schema.values), fc.string({ maxLength: 8 }));
      case 'object': {
        const entries = Object.entries(schema.fields);
        return fc
          .tuple(
            ...entries.map(([, f]) => fc.option(depth > 4 ? junk : near(f.schema, depth + 1), { nil: undefined, freq: f.optional === true ? 3 : 20 })),
            fc.option(fc.tuple(fc.constantFrom('extra', '__proto__', 'constructor', '0', 'name'), junk), { freq: 6, nil: undefined }),
          )
          .map((vals) => {
            const out: Record<string, unknown> = {};
            entries.forEach(([k], i) => {
              if (vals[i] !== undefined) out[k] = vals[i];
            });
            const extra = vals[entries.length] as [string, unknown] | undefined;
            if (extra !== undefined) out[extra[0]] = extra[1];
            // As a parsed body would be: through JSON, so keys such as __proto__ are own data properties.
            return JSON.parse(JSON.stringify(out)) as unknown;
          });
      }
      case 'record':
        return fc.dictionary(fc.oneof(fc.constantFrom('region', 'env', 'a/b', 'bad key', '', '1', 'x'.repeat(70)), fc.string({ maxLength: 6 })), depth > 4 ? junk : near(schema.value, depth + 1), { maxKeys: (schema.maxEntries ?? 4) > 4 ? 4 : (schema.maxEntries ?? 4) + 1 }).map((d) => JSON.parse(JSON.stringify(d)) as unknown);
      case 'array':
        return fc.array(depth > 4 ? junk : near(schema.items, depth + 1), { maxLength: 3 });
      case 'nullable':
        return fc.oneof(fc.constant(null), near(schema.inner, depth + 1));
      case 'oneOf':
        return fc.oneof(near(schema.string, depth + 1), near(schema.object, depth + 1));
    }
  })();
  return fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: junk, weight: 1 });
}

function accepted(schema: Schema, value: unknown): boolean {
  try {
    check(schema, value, '');
    return true;
  } catch {
    return false;
  }
}

const bodies: [string, Schema][] = [
  ['registrationRequest', schemas.registrationRequest],
  ['leaseRenewal', schemas.leaseRenewal],
  ['healthReport', schemas.healthReport],
  ['eventsReport', schemas.eventsReport],
  ['deploymentStatusReport', schemas.deploymentStatusReport],
  ['bundleRequest', schemas.bundleRequest],
  ['clusterPatch', schemas.clusterPatch],
];

describe('isValid agrees with check', () => {
  it.each(bodies)('%s', (_name, schema) => {
    let valid = 0;
    fc.assert(
      fc.property(near(schema), (value) => {
        const ok = accepted(schema, value);
        if (ok) valid++;
        expect(isValid(schema, value)).toBe(ok);
      }),
      { numRuns: 3000 },
    );
    // The generator reaches both sides of the line.
    expect(valid).toBeGreaterThan(0);
  });
});

describe('isValid at the size limits', () => {
  const node = { name: 'n', conditions: { Ready: 'True' }, capacity: { cpu: 1, memoryBytes: 1, pods: 1 }, usage: { cpu: 0, memoryBytes: 0, pods: 0 } };
  const labels = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
  const conditions = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`c${i}`, 'True']));
  const event = { type: 'Normal', reason: 'r', message: 'm' };
  const cases: [string, Schema, (n: number) => unknown, number][] = [
    ['labels', schemas.registrationRequest, (n) => ({ clusterName: 'a', namespace: 'b', labels: labels(n) }), schemas.MAX_LABELS],
    ['patch labels', schemas.clusterPatch, (n) => ({ labels: labels(n) }), schemas.MAX_LABELS],
    ['conditions', schemas.healthReport, (n) => ({ nodes: [{ ...node, conditions: conditions(n) }] }), 64],
    ['nodes', schemas.leaseRenewal, (n) => ({ nodes: Array.from({ length: n }, () => node) }), schemas.MAX_NODES],
    ['events', schemas.eventsReport, (n) => ({ events: Array.from({ length: n }, () => event) }), schemas.MAX_EVENTS],
    ['message', schemas.deploymentStatusReport, (n) => ({ generation: 1, state: 'Ready', message: 'x'.repeat(n) }), schemas.MAX_MESSAGE],
  ];
  it.each(cases)('%s', (_name, schema, make, max) => {
    for (const n of [max - 1, max, max + 1]) {
      const v = make(n);
      expect(isValid(schema, v)).toBe(accepted(schema, v));
      expect(isValid(schema, v)).toBe(n <= max);
    }
  });
});
