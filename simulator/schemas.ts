// The request bodies of api.ts as validation data. Limits are generous for real agents and
// small enough that one request cannot make the simulator allocate without bound.
import type { FieldSpec, Schema } from './validate';

/** Kubernetes DNS-1123 label (namespaces). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Kubernetes DNS-1123 subdomain (cluster and bundle names). */
export const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Label key: optional DNS-subdomain prefix and a name of up to 63 characters. */
export const LABEL_KEY =
  /^(?:(?=.{1,253}\/)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
export const LABEL_VALUE = /^(?=.{0,63}$)([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

export const MAX_LABELS = 64;
export const MAX_NODES = 1000;
export const MAX_EVENTS = 1000;
export const MAX_MESSAGE = 65_536;
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

const req = (schema: Schema): FieldSpec => ({ schema });
const opt = (schema: Schema): FieldSpec => ({ schema, optional: true });

export const namespaceName: Schema = { kind: 'string', pattern: DNS_LABEL, hint: 'must be a DNS-1123 label (a-z, 0-9, -; at most 63)' };
export const objectName: Schema = {
  kind: 'string',
  pattern: DNS_SUBDOMAIN,
  hint: 'must be a DNS-1123 subdomain (a-z, 0-9, -, .; at most 253)',
};
const labelKey: Schema = { kind: 'string', pattern: LABEL_KEY, hint: 'must be a valid label key ([prefix/]name, name at most 63)' };
const labelValue: Schema = { kind: 'string', pattern: LABEL_VALUE, hint: 'must be a valid label value (at most 63, alphanumeric ends)' };
export const labels: Schema = { kind: 'record', key: labelKey, value: labelValue, maxEntries: MAX_LABELS };
const timestamp: Schema = { kind: 'number', min: 0 };
const count: Schema = { kind: 'number', min: 0 };

const usage: Schema = {
  kind: 'object',
  fields: { cpu: req(count), memoryBytes: req(count), pods: req(count) },
};

export const nodeHealth: Schema = {
  kind: 'object',
  fields: {
    name: req({ kind: 'string', minLength: 1, maxLength: 253 }),
    conditions: req({
      kind: 'record',
      key: { kind: 'string', minLength: 1, maxLength: 128 },
      value: { kind: 'enum', values: ['True', 'False', 'Unknown'] },
      maxEntries: 64,
    }),
    capacity: req(usage),
    usage: req(usage),
  },
};
const nodes: Schema = { kind: 'array', items: nodeHealth, maxItems: MAX_NODES };

export const registrationRequest: Schema = {
  kind: 'object',
  fields: { clusterName: req(objectName), namespace: req(namespaceName), labels: opt(labels), requestedAt: opt(timestamp) },
};

export const leaseRenewal: Schema = { kind: 'object', fields: { nodes: opt(nodes) } };

export const healthReport: Schema = { kind: 'object', fields: { nodes: req(nodes) } };

const clusterEvent: Schema = {
  kind: 'object',
  fields: {
    type: req({ kind: 'enum', values: ['Normal', 'Warning'] }),
    reason: req({ kind: 'string', minLength: 1, maxLength: 128 }),
    message: req({ kind: 'string', maxLength: MAX_MESSAGE }),
    bundle: opt({ kind: 'string', maxLength: 253 }),
    at: opt(timestamp),
  },
};
export const eventsReport: Schema = {
  kind: 'object',
  fields: { events: req({ kind: 'array', items: clusterEvent, maxItems: MAX_EVENTS }) },
};

export const deploymentStatusReport: Schema = {
  kind: 'object',
  fields: {
    generation: req({ kind: 'number', integer: true, min: 1 }),
    state: req({ kind: 'enum', values: ['Applied', 'Ready', 'Failed'] }),
    appliedAt: opt(timestamp),
    readyAt: opt(timestamp),
    message: opt({ kind: 'string', maxLength: MAX_MESSAGE }),
  },
};

/** The selector's string form is parsed separately (selectors.ts) so its errors name `selector`. */
export const bundleRequest: Schema = {
  kind: 'object',
  fields: {
    name: req(objectName),
    selector: opt({
      kind: 'oneOf',
      string: { kind: 'string', maxLength: 4096 },
      object: { kind: 'object', fields: { matchLabels: req(labels) } },
      hint: 'a selector string or {matchLabels}',
    }),
    payload: opt({ kind: 'string', maxLength: MAX_PAYLOAD_BYTES }),
    payloadBytes: opt({ kind: 'number', integer: true, min: 0, max: MAX_PAYLOAD_BYTES }),
  },
};

export const clusterPatch: Schema = {
  kind: 'object',
  fields: { labels: req({ kind: 'record', key: labelKey, value: { kind: 'nullable', inner: labelValue }, maxEntries: MAX_LABELS }) },
};
