// Bundles: an operator's desired state for the clusters of one namespace that match a selector.
// Creating or updating one fans out a deployment per matching cluster and wakes their watches.
import type { BundleRequest } from '../api';
import type { RouteSpec } from '../context';
import { invalidField, notFound } from '../errors';
import { boolParam } from '../http';
import { generatePayload } from '../payload';
import { bundleRequest, DNS_LABEL } from '../schemas';
import { toSelector } from '../selectors';
import type { Bundle } from '../store';

const BUNDLES = '/api/v1/namespaces/{ns}/bundles';

export const bundleRoutes: readonly RouteSpec[] = [
  {
    method: 'POST',
    path: BUNDLES,
    auth: 'operator',
    group: 'bundles',
    verb: 'POST',
    scope: 'resource',
    body: 'required',
    schema: bundleRequest,
    handle: ({ sim, params, body, now }) => {
      const ns = params[0] as string;
      if (!DNS_LABEL.test(ns)) throw invalidField('namespace', 'namespace in the path must be a DNS-1123 label');
      const r = body as BundleRequest;
      if (r.payload !== undefined && r.payloadBytes !== undefined)
        throw invalidField('payloadBytes', 'give either payload or payloadBytes, not both');
      const selector = toSelector(r.selector, 'selector');
      const generated = r.payload === undefined ? (r.payloadBytes ?? 0) : null;
      const payload = generated === null ? (r.payload as string) : generatePayload(generated);
      const b = sim.store.upsertBundle(ns, r.name, selector, payload, generated, now);
      return { status: 201, body: b.status(false) };
    },
  },
  {
    method: 'GET',
    path: BUNDLES,
    auth: 'operator',
    group: 'reads',
    verb: 'LIST',
    scope: 'namespace',
    body: 'none',
    handle: ({ sim, params }) => {
      const bundles = sim.store.namespace(params[0] as string, false)?.bundles;
      const items = bundles === undefined ? [] : [...bundles.values()].map((b) => b.status(false));
      return { status: 200, body: { items, total: items.length } };
    },
  },
  {
    method: 'GET',
    path: `${BUNDLES}/{name}`,
    auth: 'operator',
    group: 'reads',
    verb: 'GET',
    scope: 'resource',
    body: 'none',
    handle: ({ sim, params, query }) => {
      const b = sim.store.namespace(params[0] as string, false)?.bundles.get(params[1] as string);
      if (b === undefined) throw notFound(`bundle ${params[1] as string}`);
      return { status: 200, body: b.status(boolParam(query, 'detail')) };
    },
  },
  {
    method: 'DELETE',
    path: `${BUNDLES}/{name}`,
    auth: 'operator',
    group: 'bundles',
    verb: 'DELETE',
    scope: 'resource',
    body: 'none',
    handle: ({ sim, params }) => {
      const b: Bundle | undefined = sim.store.namespace(params[0] as string, false)?.bundles.get(params[1] as string);
      if (b === undefined) throw notFound(`bundle ${params[1] as string}`);
      sim.store.deleteBundle(b);
      return { status: 204 };
    },
  },
];
