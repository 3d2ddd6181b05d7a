// The configuration's shape as data: one walker checks the base config and every profile against
// it, names each problem by its path and reports them all at once.
import { SLIS, type SliTable } from '../../scenarios/lib/sli';
import { parseDurationSeconds } from './duration';

export type Rule =
  | { kind: 'int' | 'number'; min?: number; max?: number; exclusiveMin?: boolean }
  | { kind: 'string'; pattern?: RegExp; hint?: string }
  | { kind: 'bool' }
  | { kind: 'duration'; min?: number; exclusiveMin?: boolean }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'object'; fields: Record<string, Rule> }
  | { kind: 'record'; key: RegExp; keyHint: string; value: Rule }
  | { kind: 'list'; item: Rule; minItems?: number };

export interface Issue {
  path: string;
  message: string;
}

const int = (min?: number, max?: number): Rule => ({ kind: 'int', min, max });
const num = (min?: number, max?: number, exclusiveMin = false): Rule => ({ kind: 'number', min, max, exclusiveMin });
const positive = (max?: number): Rule => num(0, max, true);
const fraction: Rule = num(0, 1);

// Kubernetes label syntax: keys are DNS-1123-ish names, values at most 63 characters.
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

const slo: Rule = {
  kind: 'object',
  fields: {
    percentile: num(0, 100, true),
    thresholdMs: positive(),
    warmupApplies: { kind: 'bool' },
    description: { kind: 'string' },
  },
};

/** The configuration's shape; its `slos` fields are the SLI table's names. */
export function baseSchema(slis: SliTable = SLIS): Rule {
  return {
    kind: 'object',
    fields: {
      protocol: { kind: 'string', pattern: /^[a-z][a-z0-9-]*$/, hint: 'a protocol name such as fleetload-sim' },
      clusters: int(1, 10_000_000),
      duration: { kind: 'duration', min: 0, exclusiveMin: true },
      agentsPerVu: int(0, 100_000),
      sloWarmup: { kind: 'duration', min: 0 },
      agent: {
        kind: 'object',
        fields: {
          heartbeatIntervalS: positive(86_400),
          heartbeatJitter: num(0, 0.99),
          deployments: {
            kind: 'object',
            fields: {
              mode: { kind: 'enum', values: ['watch', 'poll'] },
              pollIntervalS: positive(86_400),
              watchTimeoutS: positive(3600),
            },
          },
          nodesPerCluster: int(0, 1000),
          healthIntervalS: num(0, 86_400),
          namespaces: int(1, 100_000),
          labels: {
            kind: 'record',
            key: LABEL_KEY,
            keyHint: 'a Kubernetes label key such as region or example.com/tier',
            value: { kind: 'list', minItems: 1, item: { kind: 'string', pattern: LABEL_VALUE, hint: 'a Kubernetes label value (at most 63 of [A-Za-z0-9-_.])' } },
          },
          registrationRatePerS: positive(1_000_000),
          registrationWaitS: positive(3600),
          backoff: { kind: 'object', fields: { baseMs: positive(), maxMs: positive(), jitter: fraction } },
          applyMs: { kind: 'object', fields: { min: num(0), max: num(0) } },
          applyFailureRate: fraction,
          eventMessageBytes: int(0, 65_536),
        },
      },
      rollout: {
        kind: 'object',
        fields: {
          count: int(0, 1000),
          startAfterS: num(0),
          intervalS: positive(),
          selector: { kind: 'string' },
          payloadBytes: int(0, 900_000),
          timeoutS: positive(),
        },
      },
      apiLoad: {
        kind: 'object',
        fields: {
          getPerS: num(0, 100_000),
          listNamespacePerS: num(0, 100_000),
          listClusterPerS: num(0, 100_000),
          patchPerS: num(0, 100_000),
          pageSize: int(1, 10_000),
        },
      },
      slos: { kind: 'object', fields: Object.fromEntries(slis.map((d) => [d.name, slo])) },
      generator: {
        kind: 'object',
        fields: {
          maxEventLoopDelayMs: positive(),
          maxEngineCoreShare: num(0, 1, true),
          maxHostBusy: num(0, 1, true),
          maxUnhealthyShare: fraction,
          maxDroppedIterations: int(0),
          maxClientServerGapMs: num(0),
          minClientServerRatio: num(1),
        },
      },
    },
  };
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  return candidates.find((c) => c.toLowerCase() === lower || c.toLowerCase().startsWith(lower.slice(0, 4)));
}

/**
 * Checks `value` against `rule`. With `partial`, missing object fields are fine (profiles and
 * flags only override); unknown fields never are, since a typo would silently do nothing.
 */
export function check(rule: Rule, value: unknown, path: string, partial: boolean, issues: Issue[]): void {
  switch (rule.kind) {
    case 'int':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        issues.push({ path, message: `expected a number, got ${describe(value)}` });
        return;
      }
      if (rule.kind === 'int' && !Number.isInteger(value)) issues.push({ path, message: `expected a whole number, got ${value}` });
      if (rule.min !== undefined && (rule.exclusiveMin ? value <= rule.min : value < rule.min)) {
        issues.push({ path, message: `must be ${rule.exclusiveMin ? 'greater than' : 'at least'} ${rule.min}, got ${value}` });
      }
      if (rule.max !== undefined && value > rule.max) issues.push({ path, message: `must be at most ${rule.max}, got ${value}` });
      return;
    }
    case 'string':
      if (typeof value !== 'string') issues.push({ path, message: `expected a string, got ${describe(value)}` });
      else if (rule.pattern && !rule.pattern.test(value)) issues.push({ path, message: `${describe(value)} is not ${rule.hint ?? 'valid'}` });
      return;
    case 'bool':
      if (typeof value !== 'boolean') issues.push({ path, message: `expected true or false, got ${describe(value)}` });
      return;
    case 'duration': {
      const seconds = typeof value === 'string' ? parseDurationSeconds(value) : undefined;
      if (seconds === undefined) {
        issues.push({ path, message: `expected a duration such as 30s, 5m or 1h, got ${describe(value)}` });
      } else if (rule.min !== undefined && (rule.exclusiveMin ? seconds <= rule.min : seconds < rule.min)) {
        issues.push({ path, message: `must be longer than ${rule.min}s, got ${describe(value)}` });
      }
      return;
    }
    case 'enum':
      if (typeof value !== 'string' || !rule.values.includes(value)) {
        issues.push({ path, message: `expected one of ${rule.values.join(', ')}, got ${describe(value)}` });
      }
      return;
    case 'list':
      if (!Array.isArray(value)) {
        issues.push({ path, message: `expected a list, got ${describe(value)}` });
        return;
      }
      if (rule.minItems !== undefined && value.length < rule.minItems) issues.push({ path, message: `needs at least ${rule.minItems} item(s)` });
      value.forEach((item, i) => check(rule.item, item, `${path}[${i}]`, partial, issues));
      return;
    case 'record':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        issues.push({ path, message: `expected an object, got ${describe(value)}` });
        return;
      }
      for (const [k, v] of Object.entries(value)) {
        if (!rule.key.test(k)) issues.push({ path: `${path}.${k}`, message: `key is not ${rule.keyHint}` });
        check(rule.value, v, `${path}.${k}`, partial, issues);
      }
      return;
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        issues.push({ path, message: `expected an object, got ${describe(value)}` });
        return;
      }
      const obj = value as Record<string, unknown>;
      const known = Object.keys(rule.fields);
      for (const key of Object.keys(obj)) {
        if (!(key in rule.fields) && key !== 'description') {
          const guess = closest(key, known);
          issues.push({ path: join(path, key), message: `unknown field${guess ? `; did you mean ${guess}?` : ''}` });
        }
      }
      for (const [key, sub] of Object.entries(rule.fields)) {
        if (obj[key] === undefined) {
          if (!partial) issues.push({ path: join(path, key), message: 'is required' });
          continue;
        }
        check(sub, obj[key], join(path, key), partial, issues);
      }
      return;
    }
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
