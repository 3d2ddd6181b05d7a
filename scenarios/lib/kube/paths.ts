// Where a resource lives on the API server: its path, its query, and the URL template its calls are
// tagged with (so that 10,000 pods stay one metric series). No URL or URLSearchParams (goja has
// neither); queries are encoded the way client-go's url.Values.Encode does: keys sorted, values
// escaped like Go's url.QueryEscape, so the wire matches a real agent's byte for byte.

export interface ResourceType {
  readonly group: string;
  readonly version: string;
  /** Plural, lower case, as in the path: `pods`, `bundledeployments`. */
  readonly resource: string;
  readonly namespaced: boolean;
  /** `/api/v1` for the core group, `/apis/<group>/<version>` otherwise. */
  readonly prefix: string;
  /** Templates computed once per type: a call only appends a subresource. */
  readonly templates: {
    readonly clusterCollection: string;
    readonly namespacedCollection: string;
    readonly object: string;
  };
}

export function resourceType(group: string, version: string, resource: string, namespaced: boolean): ResourceType {
  const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  return Object.freeze({
    group,
    version,
    resource,
    namespaced,
    prefix,
    templates: Object.freeze({
      clusterCollection: `${prefix}/${resource}`,
      namespacedCollection: `${prefix}/namespaces/{ns}/${resource}`,
      object: namespaced ? `${prefix}/namespaces/{ns}/${resource}/{name}` : `${prefix}/${resource}/{name}`,
    }),
  });
}

/** The resources a kubelet-like or fleet agent touches; custom resources go through resourceType(). */
export const RESOURCES = Object.freeze({
  namespaces: resourceType('', 'v1', 'namespaces', false),
  nodes: resourceType('', 'v1', 'nodes', false),
  pods: resourceType('', 'v1', 'pods', true),
  services: resourceType('', 'v1', 'services', true),
  secrets: resourceType('', 'v1', 'secrets', true),
  serviceaccounts: resourceType('', 'v1', 'serviceaccounts', true),
  configmaps: resourceType('', 'v1', 'configmaps', true),
  events: resourceType('', 'v1', 'events', true),
  leases: resourceType('coordination.k8s.io', 'v1', 'leases', true),
  customresourcedefinitions: resourceType('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', false),
});

/** One object, or one subresource of it (`status`). */
export interface ObjectRef {
  type: ResourceType;
  /** Required for namespaced types, refused for cluster-scoped ones. */
  namespace?: string;
  name: string;
  subresource?: string;
}

/** A collection: namespaced types without a namespace are listed (and watched) cluster-wide. */
export interface CollectionRef {
  type: ResourceType;
  namespace?: string;
}

/** The query parameters of reads and watches (metav1.ListOptions as client-go sends them). */
export interface Query {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  watch?: boolean;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  sendInitialEvents?: boolean;
}

// Sorted, as Go's url.Values.Encode sorts keys: the order is part of matching a real agent's wire.
const QUERY_KEYS = [
  'allowWatchBookmarks',
  'continue',
  'fieldSelector',
  'labelSelector',
  'limit',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'timeoutSeconds',
  'watch',
] as const satisfies readonly (keyof Query)[];

const QUERY_SAFE = /^[A-Za-z0-9._~-]*$/;
const PATH_SAFE = /^[A-Za-z0-9._~:@-]*$/;

/** Go's url.QueryEscape: everything but unreserved characters escaped, a space as `+`. */
export function queryEscape(s: string): string {
  if (QUERY_SAFE.test(s)) return s;
  // encodeURIComponent leaves !'()* alone, Go escapes them.
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** One path segment. Names such as `system:node:n1` keep their colons, as Go's path escaping does. */
export function pathEscape(s: string): string {
  if (PATH_SAFE.test(s)) return s;
  return encodeURIComponent(s).replace(/%3A/g, ':').replace(/%40/g, '@');
}

/**
 * `?key=value&...` in sorted key order, or '' when nothing is set. Zero values are left out as
 * client-go leaves them out (an empty resourceVersion, a limit of 0), but `resourceVersion=0` is
 * a value: it asks for the watch cache.
 */
export function encodeQuery(q: Query | undefined): string {
  if (q === undefined) return '';
  let out = '';
  for (const key of QUERY_KEYS) {
    const v = q[key];
    if (v === undefined || v === '' || v === false || v === 0) continue;
    out += `${out === '' ? '?' : '&'}${key}=${typeof v === 'string' ? queryEscape(v) : String(v)}`;
  }
  return out;
}

function checkNamespace(type: ResourceType, namespace: string | undefined, what: string): void {
  if (type.namespaced && what === 'object' && (namespace === undefined || namespace === '')) {
    throw new Error(`${type.resource} is namespaced: an object reference needs a namespace`);
  }
  if (!type.namespaced && namespace !== undefined) throw new Error(`${type.resource} is cluster-scoped: no namespace (${namespace}) in its ${what} reference`);
}

export function collectionPath(ref: CollectionRef): string {
  checkNamespace(ref.type, ref.namespace, 'collection');
  const t = ref.type;
  return ref.namespace === undefined || ref.namespace === '' ? `${t.prefix}/${t.resource}` : `${t.prefix}/namespaces/${pathEscape(ref.namespace)}/${t.resource}`;
}

export function objectPath(ref: ObjectRef): string {
  checkNamespace(ref.type, ref.namespace, 'object');
  // An empty name would address the collection: a create or a list, not what the caller meant.
  if (ref.name === '') throw new Error(`${ref.type.resource}: an object reference needs a name`);
  const t = ref.type;
  const base = t.namespaced ? `${t.prefix}/namespaces/${pathEscape(ref.namespace!)}/${t.resource}/${pathEscape(ref.name)}` : `${t.prefix}/${t.resource}/${pathEscape(ref.name)}`;
  return ref.subresource === undefined ? base : `${base}/${ref.subresource}`;
}

export function collectionTemplate(ref: CollectionRef): string {
  return ref.namespace === undefined || ref.namespace === '' ? ref.type.templates.clusterCollection : ref.type.templates.namespacedCollection;
}

export function objectTemplate(ref: ObjectRef): string {
  return ref.subresource === undefined ? ref.type.templates.object : `${ref.type.templates.object}/${ref.subresource}`;
}

/** `http://host:port` → `ws://host:port`, `https` → `wss`: the WebSocket form of an API URL. */
export function toWebSocketUrl(url: string): string {
  if (url.startsWith('https://')) return `wss://${url.slice(8)}`;
  if (url.startsWith('http://')) return `ws://${url.slice(7)}`;
  return url;
}

/** `scheme://host[:port]` of a URL: the Origin a WebSocket handshake sends (a null origin is refused). */
export function originOf(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]+)/i.exec(url);
  return m === null ? url : m[1]!;
}
