// Which SLI each call feeds, as SIG-scalability defines them (../shared/reference/slos.md): mutating
// calls by verb, reads by scope, and WATCH in none (a watch measures waiting, not serving). The
// scope follows kube-apiserver's own metrics label (CleanScope): a named object or a create is
// `resource`, a namespaced collection `namespace`, anything else `cluster`.
import { METHOD, type CallTags, type Scope, type Verb } from '../http-types';
import type { ApiSliTag } from '../sli';
import { collectionTemplate, objectTemplate, type CollectionRef, type ObjectRef } from './paths';

export function sliOf(verb: Verb, scope: Scope): ApiSliTag {
  switch (verb) {
    case 'POST':
    case 'PUT':
    case 'PATCH':
    case 'DELETE':
      return 'mutating';
    case 'GET':
      return 'read-resource';
    case 'LIST':
      return scope === 'namespace' ? 'read-namespace' : scope === 'cluster' ? 'read-cluster' : 'read-resource';
    case 'WATCH':
      return 'none';
  }
}

/** `pods`, or `pods/status` for a subresource: the apiserver labels these apart, so do we. */
function resourceLabel(type: { resource: string }, subresource: string | undefined): string {
  return subresource === undefined ? type.resource : `${type.resource}/${subresource}`;
}

/** Tags of a call on one object (GET, PUT, PATCH, DELETE). */
export function objectTags(verb: 'GET' | 'PUT' | 'PATCH' | 'DELETE', ref: ObjectRef): CallTags {
  return { sli: sliOf(verb, 'resource'), verb, resource: resourceLabel(ref.type, ref.subresource), scope: 'resource', name: `${METHOD[verb]} ${objectTemplate(ref)}` };
}

/** Tags of a call on a collection: LIST, WATCH, or POST (a create, which the apiserver scopes as `resource`). */
export function collectionTags(verb: 'LIST' | 'WATCH' | 'POST', ref: CollectionRef): CallTags {
  const scope: Scope = verb === 'POST' ? 'resource' : ref.namespace === undefined || ref.namespace === '' ? 'cluster' : 'namespace';
  // Watches get their own template: a list and a watch of the same collection are different calls.
  const name = `${METHOD[verb]} ${collectionTemplate(ref)}${verb === 'WATCH' ? '?watch' : ''}`;
  return { sli: sliOf(verb, scope), verb, resource: ref.type.resource, scope, name };
}
