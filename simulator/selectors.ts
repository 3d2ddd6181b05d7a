// Kubernetes label selectors: the string form (`a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`,
// `!a`, comma-joined and ANDed) and `{matchLabels}`, compiled once into requirements so matching
// a cluster is a few property reads. `!=` and `notin` match clusters without the key, as in Kubernetes.
import { invalidField } from './errors';
import { LABEL_KEY, LABEL_VALUE } from './schemas';
import type { LabelSelector } from './api';

type Op = 'in' | 'notin' | 'exists' | 'absent';

interface Requirement {
  readonly key: string;
  readonly op: Op;
  readonly values: readonly string[];
}

export interface Selector {
  /** Canonical text, used for persistence and display. */
  readonly source: string;
  readonly requirements: readonly Requirement[];
  matches(labels: Readonly<Record<string, string>>): boolean;
}

const SET_RE = /^([^\s=!(),]+)\s+(in|notin)\s*\((.*)\)$/s;
const EQ_RE = /^([^\s=!(),]+)\s*(==|=|!=)\s*([^\s=!(),]*)$/;
const ABSENT_RE = /^!\s*([^\s=!(),]+)$/;
const EXISTS_RE = /^([^\s=!(),]+)$/;

function splitTopLevel(text: string, field: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') {
      depth++;
      if (depth > 1) throw invalidField(field, 'invalid selector: nested parentheses');
    } else if (c === ')') {
      depth--;
      if (depth < 0) throw invalidField(field, 'invalid selector: unbalanced ")"');
    } else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) throw invalidField(field, 'invalid selector: unbalanced "("');
  parts.push(text.slice(start));
  return parts;
}

function checkKey(key: string, field: string): string {
  if (!LABEL_KEY.test(key)) throw invalidField(field, `invalid selector: bad label key "${key}"`);
  return key;
}

function checkValue(value: string, field: string): string {
  if (!LABEL_VALUE.test(value)) throw invalidField(field, `invalid selector: bad label value "${value}"`);
  return value;
}

function parseRequirement(raw: string, field: string): Requirement {
  const part = raw.trim();
  if (part === '') throw invalidField(field, 'invalid selector: empty requirement');
  let m = SET_RE.exec(part);
  if (m) {
    const values = (m[3] ?? '').split(',').map((v) => checkValue(v.trim(), field));
    if (values.length === 1 && values[0] === '' && (m[3] ?? '').trim() === '')
      throw invalidField(field, `invalid selector: empty value set for "${m[1] ?? ''}"`);
    return { key: checkKey(m[1] ?? '', field), op: m[2] === 'in' ? 'in' : 'notin', values };
  }
  m = EQ_RE.exec(part);
  if (m) {
    return { key: checkKey(m[1] ?? '', field), op: m[2] === '!=' ? 'notin' : 'in', values: [checkValue(m[3] ?? '', field)] };
  }
  m = ABSENT_RE.exec(part);
  if (m) return { key: checkKey(m[1] ?? '', field), op: 'absent', values: [] };
  m = EXISTS_RE.exec(part);
  if (m) return { key: checkKey(m[1] ?? '', field), op: 'exists', values: [] };
  throw invalidField(field, `invalid selector: cannot parse "${part}"`);
}

function render(reqs: readonly Requirement[]): string {
  return reqs
    .map((r) => {
      switch (r.op) {
        case 'exists':
          return r.key;
        case 'absent':
          return `!${r.key}`;
        case 'in':
          return r.values.length === 1 ? `${r.key}=${r.values[0] ?? ''}` : `${r.key} in (${r.values.join(',')})`;
        case 'notin':
          return r.values.length === 1 ? `${r.key}!=${r.values[0] ?? ''}` : `${r.key} notin (${r.values.join(',')})`;
      }
    })
    .join(',');
}

function compile(reqs: readonly Requirement[]): Selector {
  const matches =
    reqs.length === 0
      ? () => true
      : (labels: Readonly<Record<string, string>>): boolean => {
          for (const r of reqs) {
            const has = Object.hasOwn(labels, r.key);
            switch (r.op) {
              case 'exists':
                if (!has) return false;
                break;
              case 'absent':
                if (has) return false;
                break;
              case 'in':
                if (!has || !r.values.includes(labels[r.key] as string)) return false;
                break;
              case 'notin':
                if (has && r.values.includes(labels[r.key] as string)) return false;
                break;
            }
          }
          return true;
        };
  return Object.freeze({ source: render(reqs), requirements: reqs, matches });
}

export const MATCH_ALL: Selector = compile([]);

/** Parses the string form; `field` is named in the 400 if it is invalid. */
export function parseSelector(text: string, field: string): Selector {
  if (text.trim() === '') return MATCH_ALL;
  return compile(splitTopLevel(text, field).map((p) => parseRequirement(p, field)));
}

/** Accepts either form of `LabelSelector` (already shape-checked by the body schema). */
export function toSelector(selector: LabelSelector | undefined, field: string): Selector {
  if (selector === undefined) return MATCH_ALL;
  if (typeof selector === 'string') return parseSelector(selector, field);
  const reqs = Object.keys(selector.matchLabels)
    .sort()
    .map((key): Requirement => ({ key, op: 'in', values: [selector.matchLabels[key] ?? ''] }));
  return compile(reqs);
}
