// A structural check of dashboard JSON against the SDK's declared types: Grafana cannot run here,
// so the committed JSON is held to the property names (and required ones) of the interfaces in
// the installed @grafana/grafana-foundation-sdk, read from its .d.ts files.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface InterfaceShape {
  keys: Set<string>;
  required: Set<string>;
}

function sdkDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@grafana/grafana-foundation-sdk/dashboard'));
}

/** Property names of `export interface <name>` in an SDK module's types.gen.d.ts. */
export function sdkInterface(module: string, name: string): InterfaceShape {
  const text = readFileSync(join(sdkDir(), '..', module, 'types.gen.d.ts'), 'utf8');
  const start = text.search(new RegExp(`^export interface ${name}\\b[^{]*\\{`, 'm'));
  if (start < 0) throw new Error(`no interface ${name} in the SDK's ${module} types`);
  const end = text.indexOf('\n}', start);
  const keys = new Set<string>();
  const required = new Set<string>();
  for (const m of text.slice(start, end).matchAll(/^ {4}"?([A-Za-z_$][\w$]*)"?(\?)?:/gm)) {
    keys.add(m[1]!);
    if (m[2] === undefined) required.add(m[1]!);
  }
  return { keys, required };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Problems of `value` against `shape`, each with its path. */
export function checkShape(value: Json | undefined, shape: InterfaceShape, path: string, problems: string[]): void {
  if (!isObject(value)) {
    problems.push(`${path}: expected an object`);
    return;
  }
  for (const k of Object.keys(value)) if (!shape.keys.has(k)) problems.push(`${path}.${k}: not a property of the SDK's type`);
  for (const k of shape.required) if (!(k in value)) problems.push(`${path}.${k}: required by the SDK's type, missing`);
}

/** Every problem of one dashboard's JSON: dashboard, rows and panels, grid, variables, queries. */
export function dashboardProblems(d: Json): string[] {
  const problems: string[] = [];
  const dashboard = sdkInterface('dashboard', 'Dashboard');
  const panel = sdkInterface('dashboard', 'Panel');
  const row = sdkInterface('dashboard', 'RowPanel');
  const grid = sdkInterface('dashboard', 'GridPos');
  const variable = sdkInterface('dashboard', 'VariableModel');
  const fieldConfigSource = sdkInterface('dashboard', 'FieldConfigSource');
  const fieldConfig = sdkInterface('dashboard', 'FieldConfig');
  const query = sdkInterface('prometheus', 'Dataquery');
  checkShape(d, dashboard, 'dashboard', problems);
  if (!isObject(d)) return problems;
  if (typeof d.schemaVersion !== 'number') problems.push('dashboard.schemaVersion: missing');
  const templating = d.templating;
  const vars = isObject(templating) && Array.isArray(templating.list) ? templating.list : [];
  vars.forEach((v, i) => checkShape(v, variable, `templating.list[${i}]`, problems));
  const panels = Array.isArray(d.panels) ? d.panels : [];
  const ids = new Set<number>();
  panels.forEach((p, i) => {
    const at = `panels[${i}]`;
    if (!isObject(p)) return problems.push(`${at}: expected an object`);
    checkShape(p, p.type === 'row' ? row : panel, at, problems);
    checkShape(p.gridPos, grid, `${at}.gridPos`, problems);
    const g = p.gridPos;
    if (isObject(g) && (typeof g.x !== 'number' || typeof g.w !== 'number' || g.x + g.w > 24)) problems.push(`${at}.gridPos: outside the 24-column grid`);
    if (typeof p.id !== 'number' || ids.has(p.id)) problems.push(`${at}.id: missing or duplicate`);
    else ids.add(p.id);
    if (p.type === 'row') return undefined;
    if (p.fieldConfig !== undefined) {
      checkShape(p.fieldConfig, fieldConfigSource, `${at}.fieldConfig`, problems);
      if (isObject(p.fieldConfig)) checkShape(p.fieldConfig.defaults, fieldConfig, `${at}.fieldConfig.defaults`, problems);
    }
    const targets = Array.isArray(p.targets) ? p.targets : [];
    if (targets.length === 0) problems.push(`${at} (${String(p.title)}): no queries`);
    targets.forEach((t, j) => {
      checkShape(t, query, `${at}.targets[${j}]`, problems);
      if (isObject(t) && (typeof t.expr !== 'string' || typeof t.refId !== 'string')) problems.push(`${at}.targets[${j}]: expr and refId are needed`);
    });
    return undefined;
  });
  return problems;
}
