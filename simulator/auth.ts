// Bearer tokens: the registration and operator tokens from the options, and per-cluster tokens
// issued at registration. Authentication says who (401 when nobody); authorisation says whether
// that caller may use this route on this cluster (403).
import type { AuthRule, Principal, Sim } from './context';
import { forbidden, notFound, unauthorized } from './errors';
import type { Cluster } from './store';

const OPERATOR: Principal = Object.freeze({ kind: 'operator' });
const REGISTRATION: Principal = Object.freeze({ kind: 'registration' });
/** `bearer ` in any case, without slicing and lower-casing a copy per request. */
const BEARER = /^bearer /i;

/** `h` is the request's Authorization header (the first one, as node kept it). */
export function authenticate(h: string | undefined, sim: Sim): Principal | null {
  if (h === undefined || h.length < 8 || !BEARER.test(h)) return null;
  const token = h.slice(7).trim();
  if (token === sim.options.operatorToken) return OPERATOR;
  if (token === sim.options.registrationToken) return REGISTRATION;
  const c = sim.store.byToken.get(token);
  return c === undefined ? null : { kind: 'cluster', cluster: c };
}

/**
 * Throws 401/403 unless `principal` may use a route with `rule`. For cluster routes returns the
 * path's cluster, which must be the caller's own; a path naming a cluster that does not exist is
 * a 403 too, so a token cannot probe for other clusters' names.
 */
export function authorize(rule: AuthRule, principal: Principal | null, params: readonly string[]): Cluster | null {
  if (rule === 'none') return null;
  if (principal === null) throw unauthorized();
  switch (rule) {
    case 'operator':
      if (principal.kind !== 'operator') throw forbidden('this route needs the operator token');
      return null;
    case 'registration':
      if (principal.kind !== 'registration') throw forbidden('this route needs the registration token');
      return null;
    case 'cluster': {
      if (principal.kind !== 'cluster') throw forbidden('this route needs a cluster token');
      const c = principal.cluster;
      if (c.namespace.name !== params[0] || c.name !== params[1]) throw forbidden('a cluster token reaches only its own cluster');
      // A token resolves only to a cluster in the store: byToken loses it when the cluster is
      // deleted or registers again. So this cheap check stands for a lookup of the path's cluster.
      if (c.token === null) throw notFound(`cluster ${c.name}`);
      return c;
    }
  }
}
