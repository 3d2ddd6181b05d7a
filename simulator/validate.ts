// Hand-written validation of request bodies, driven by schemas that are plain data: objects are
// closed (unknown fields are rejected), and the first problem is reported with the JSON path of
// the offending field (`labels.region`, `nodes[2].capacity.cpu`) as a 400 `invalid_field`.
import { invalidField } from './errors';

export type Schema =
  | { kind: 'string'; minLength?: number; maxLength?: number; pattern?: RegExp; hint?: string }
  | { kind: 'number'; integer?: boolean; min?: number; max?: number }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'object'; fields: Readonly<Record<string, FieldSpec>> }
  | { kind: 'record'; key: Schema; value: Schema; maxEntries?: number }
  | { kind: 'array'; items: Schema; maxItems?: number }
  | { kind: 'nullable'; inner: Schema }
  | { kind: 'oneOf'; string: Schema; object: Schema; hint: string };

export interface FieldSpec {
  schema: Schema;
  optional?: boolean;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function childPath(parent: string, key: string): string {
  if (IDENT.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Throws a 400 naming the first invalid field; otherwise the value is a `T` (by construction of the
 * schema). Valid bodies, nearly all of them, pass a check that builds nothing (isValid); only an
 * invalid one is walked again to name its first problem, with the field paths that costs.
 */
export function validate<T>(schema: Schema, value: unknown, path = ''): T {
  if (!isValid(schema, value)) check(schema, value, path);
  return value as T;
}

/** Exactly check()'s rules, as a yes/no: no paths, messages or entry arrays on the way. */
export function isValid(schema: Schema, value: unknown): boolean {
  return compile(schema)(value);
}

type Test = (value: unknown) => boolean;

/** Each schema (plain data) compiled once into a closure tree: every call site sees one shape. */
const compiled = new WeakMap<Schema, Test>();

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function compile(schema: Schema): Test {
  let t = compiled.get(schema);
  if (t !== undefined) return t;
  t = build(schema);
  compiled.set(schema, t);
  return t;
}

function build(schema: Schema): Test {
  switch (schema.kind) {
    case 'string': {
      const min = schema.minLength ?? 0;
      const max = schema.maxLength ?? Number.POSITIVE_INFINITY;
      const pattern = schema.pattern;
      return pattern === undefined
        ? (v) => typeof v === 'string' && v.length >= min && v.length <= max
        : (v) => typeof v === 'string' && v.length >= min && v.length <= max && pattern.test(v);
    }
    case 'number': {
      const integer = schema.integer === true;
      const min = schema.min ?? Number.NEGATIVE_INFINITY;
      const max = schema.max ?? Number.POSITIVE_INFINITY;
      return (v) => typeof v === 'number' && Number.isFinite(v) && (!integer || Number.isInteger(v)) && v >= min && v <= max;
    }
    case 'enum': {
      const values = schema.values;
      return (v) => typeof v === 'string' && values.includes(v);
    }
    case 'object': {
      const keys = Object.keys(schema.fields);
      const specs = keys.map((k) => schema.fields[k] as FieldSpec);
      const tests = specs.map((f) => compile(f.schema));
      const optional = specs.map((f) => f.optional === true);
      return (v) => {
        if (!isObject(v)) return false;
        let present = 0;
        for (let i = 0; i < keys.length; i++) {
          const x = v[keys[i] as string];
          if (x === undefined) {
            if (!optional[i]) return false;
          } else if (!(tests[i] as Test)(x)) return false;
          else present++;
        }
        // Closed: any other key makes one more own key than the schema's present ones. (for-in
        // lists own enumerable keys here: a parsed body inherits none; no schema field is
        // inherited from Object.prototype.)
        let own = 0;
        for (const _ in v) own++;
        return own === present;
      };
    }
    case 'record': {
      const key = compile(schema.key);
      const value = compile(schema.value);
      const max = schema.maxEntries ?? Number.POSITIVE_INFINITY;
      return (v) => {
        if (!isObject(v)) return false;
        let n = 0;
        for (const k in v) {
          if (++n > max || !key(k) || !value(v[k])) return false;
        }
        return true;
      };
    }
    case 'array': {
      const item = compile(schema.items);
      const max = schema.maxItems ?? Number.POSITIVE_INFINITY;
      return (v) => {
        if (!Array.isArray(v) || v.length > max) return false;
        for (let i = 0; i < v.length; i++) if (!item(v[i])) return false;
        return true;
      };
    }
    case 'nullable': {
      const inner = compile(schema.inner);
      return (v) => v === null || inner(v);
    }
    case 'oneOf': {
      const str = compile(schema.string);
      const obj = compile(schema.object);
      return (v) => (typeof v === 'string' ? str(v) : isObject(v) && obj(v));
    }
  }
}

/** The full walk: throws a 400 naming the first problem (exported for the tests that hold isValid to it). */
export function check(schema: Schema, value: unknown, path: string): void {
  const at = path === '' ? 'body' : path;
  switch (schema.kind) {
    case 'string': {
      if (typeof value !== 'string') throw invalidField(at, `${at} must be a string, got ${typeName(value)}`);
      if (schema.minLength !== undefined && value.length < schema.minLength)
        throw invalidField(at, `${at} must have at least ${schema.minLength} characters`);
      if (schema.maxLength !== undefined && value.length > schema.maxLength)
        throw invalidField(at, `${at} must have at most ${schema.maxLength} characters`);
      if (schema.pattern !== undefined && !schema.pattern.test(value))
        throw invalidField(at, `${at} ${schema.hint ?? `must match ${String(schema.pattern)}`}`);
      return;
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw invalidField(at, `${at} must be a finite number, got ${typeName(value)}`);
      if (schema.integer === true && !Number.isInteger(value)) throw invalidField(at, `${at} must be an integer`);
      if (schema.min !== undefined && value < schema.min) throw invalidField(at, `${at} must be >= ${schema.min}`);
      if (schema.max !== undefined && value > schema.max) throw invalidField(at, `${at} must be <= ${schema.max}`);
      return;
    }
    case 'enum': {
      if (typeof value !== 'string' || !schema.values.includes(value))
        throw invalidField(at, `${at} must be one of ${schema.values.join(', ')}`);
      return;
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw invalidField(at, `${at} must be an object, got ${typeName(value)}`);
      const obj = value as Record<string, unknown>;
      for (const key of Object.keys(obj)) {
        if (!Object.hasOwn(schema.fields, key)) throw invalidField(childPath(path, key), `unknown field ${childPath(path, key)}`);
      }
      for (const [key, spec] of Object.entries(schema.fields)) {
        const v = obj[key];
        if (v === undefined) {
          if (spec.optional !== true) throw invalidField(childPath(path, key), `${childPath(path, key)} is required`);
          continue;
        }
        check(spec.schema, v, childPath(path, key));
      }
      return;
    }
    case 'record': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw invalidField(at, `${at} must be an object, got ${typeName(value)}`);
      const entries = Object.entries(value as Record<string, unknown>);
      if (schema.maxEntries !== undefined && entries.length > schema.maxEntries)
        throw invalidField(at, `${at} must have at most ${schema.maxEntries} entries`);
      for (const [k, v] of entries) {
        const p = childPath(path, k);
        check(schema.key, k, p);
        check(schema.value, v, p);
      }
      return;
    }
    case 'array': {
      if (!Array.isArray(value)) throw invalidField(at, `${at} must be an array, got ${typeName(value)}`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems)
        throw invalidField(at, `${at} must have at most ${schema.maxItems} items`);
      for (let i = 0; i < value.length; i++) check(schema.items, value[i], `${path}[${i}]`);
      return;
    }
    case 'nullable': {
      if (value === null) return;
      check(schema.inner, value, path);
      return;
    }
    case 'oneOf': {
      if (typeof value === 'string') check(schema.string, value, path);
      else if (typeof value === 'object' && value !== null && !Array.isArray(value)) check(schema.object, value, path);
      else throw invalidField(at, `${at} must be ${schema.hint}, got ${typeName(value)}`);
      return;
    }
  }
}
