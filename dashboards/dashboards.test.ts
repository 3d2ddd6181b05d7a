// The committed generated files are what the code generates, and the dashboards are what
// Grafana 10+ loads: the SDK's schema version and property names, queries on $datasource, every
// variable a query names declared, stable uids.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DASHBOARDS_DIR, dashboards, generatedFiles } from './generate';
import { dashboardProblems, sdkInterface } from './lib/sdk-shape';
import { API_SLIS, leMatcher, SLI_QUERIES } from './lib/spec';
import { MIN_WINDOW_S, SHORT_DIVISOR, windowsFor } from './rules/windows';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function committed(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(DASHBOARDS_DIR, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...committed(rel));
    else out.push(rel);
  }
  return out;
}

describe('generated files', () => {
  const files = generatedFiles();

  it('are committed as generated (run npm run dashboards after changing dashboards/ or the SLO spec)', () => {
    const stale: string[] = [];
    for (const [rel, text] of files) {
      let onDisk: string | undefined;
      try {
        onDisk = readFileSync(join(DASHBOARDS_DIR, rel), 'utf8');
      } catch {
        onDisk = undefined;
      }
      if (onDisk !== text) stale.push(rel);
    }
    const extra = [...committed('generated'), ...committed('tests')].filter((rel) => !files.has(rel));
    expect(stale, 'dashboards/ generated files differ from the code: run npm run dashboards').toEqual([]);
    expect(extra, 'files under dashboards/generated or dashboards/tests that the code no longer generates: run npm run dashboards and delete them').toEqual([]);
  });

  it('are the same on a second generation (no randomness, no clock)', () => {
    expect([...generatedFiles()]).toEqual([...files]);
  });
});

describe('dashboard JSON', () => {
  const all = dashboards().map((d) => JSON.parse(JSON.stringify(d)) as { [k: string]: Json });

  it('declares the schema version of the SDK, one Grafana 10+ loads', () => {
    for (const d of all) {
      expect(d.schemaVersion).toBe(defaultDashboard().schemaVersion);
      // Grafana 10.0 wrote schema 38; it migrates anything older, and newer ones come from newer Grafanas.
      expect(d.schemaVersion as number).toBeGreaterThanOrEqual(38);
    }
  });

  it.each(all.map((d) => [d.title as string, d] as const))('%s matches the SDK types', (_t, d) => {
    expect(dashboardProblems(d)).toEqual([]);
  });

  it('reads the interfaces it checks against (a renamed SDK type fails here, not silently)', () => {
    expect(sdkInterface('dashboard', 'Dashboard').required.has('schemaVersion')).toBe(true);
    expect(sdkInterface('dashboard', 'Panel').required.has('type')).toBe(true);
    expect(dashboardProblems({ schemaVersion: 42, templating: { list: [] }, annotations: {}, panels: [{ type: 'timeseries', id: 1, gridPos: { x: 0, y: 0, w: 12, h: 8 }, bogus: 1, targets: [{ refId: 'A', expr: 'up' }] }] })).toEqual(['panels[0].bogus: not a property of the SDK\'s type']);
  });

  it('has stable, distinct uids derived from names', () => {
    const uids = all.map((d) => d.uid as string);
    expect(new Set(uids).size).toBe(uids.length);
    for (const u of uids) expect(u).toMatch(/^fleetload-[a-z0-9-]{1,30}$/);
    expect(uids).toContain('fleetload-run-overview');
  });

  it('sends every query to the $datasource variable and names only declared variables', () => {
    const builtins = new Set(['__rate_interval', '__range', '__interval', '__interval_ms', '__range_s']);
    for (const d of all) {
      const declared = new Set(((d.templating as { list: { name: string }[] }).list).map((v) => v.name));
      for (const name of ['datasource']) expect(declared.has(name), `${String(d.title)} lacks $${name}`).toBe(true);
      for (const p of d.panels as { title: string; type: string; datasource?: { uid: string }; targets?: { expr: string; datasource: { uid: string } }[] }[]) {
        if (p.type === 'row') continue;
        expect(p.datasource?.uid, p.title).toBe('${datasource}');
        for (const t of p.targets ?? []) {
          expect(t.datasource.uid).toBe('${datasource}');
          for (const m of t.expr.matchAll(/\$\{?(\w+)/g)) expect(builtins.has(m[1]!) || declared.has(m[1]!), `${String(d.title)} / ${p.title}: $${m[1]} is not declared`).toBe(true);
        }
      }
    }
  });

  it('has the variables the brief names: run id, release, profile, protocol, testid; run_a/run_b to compare', () => {
    const names = (title: string): string[] => ((all.find((d) => d.title === title)!.templating as { list: { name: string }[] }).list).map((v) => v.name);
    expect(names('fleetload run overview')).toEqual(expect.arrayContaining(['datasource', 'run_id', 'release', 'profile', 'protocol', 'testid']));
    expect(names('fleetload release comparison')).toEqual(expect.arrayContaining(['release_a', 'run_a', 'release_b', 'run_b']));
  });

  it('draws every API SLI\'s objective on its latency panel', () => {
    const slis = all.find((d) => d.title === 'fleetload SLIs')!;
    for (const s of API_SLIS) {
      const p = (slis.panels as { title: string; fieldConfig: { defaults: { thresholds: { steps: { value: number | null }[] } } } }[]).find((x) => x.title.startsWith(`${s.name} P50`))!;
      expect(p, s.name).toBeDefined();
      expect(p.fieldConfig.defaults.thresholds.steps.map((x) => x.value)).toContain(s.name === 'api-read-cluster' ? 30 : s.name === 'api-read-namespace' ? 5 : 1);
    }
  });
});

describe('SLO rules', () => {
  it('windows scale with the run and never fall under the floor', () => {
    const tenMin = windowsFor(600);
    expect(tenMin.map((w) => w.longS)).toEqual([25, 75, 150, 300]);
    const halfHour = windowsFor(1800);
    expect(halfHour.map((w) => w.longS)).toEqual([75, 225, 450, 900]);
    expect(halfHour.map((w) => w.shortS)).toEqual([20, 20, Math.ceil(450 / SHORT_DIVISOR), 75]);
    for (const w of windowsFor(60)) expect(Math.min(w.longS, w.shortS)).toBeGreaterThanOrEqual(MIN_WINDOW_S);
  });

  it('count good observations at each profile\'s own objective bucket', () => {
    const files = generatedFiles();
    const scale100k = parse(files.get('generated/rules/scale-100k.yml')!) as { groups: { rules: { record?: string; expr: string; labels?: { sli: string } }[] }[] };
    const good = scale100k.groups[0]!.rules.find((r) => r.record?.startsWith('fleetload_sli:good:') && r.labels?.sli === 'distribution')!;
    // scale-100k judges distribution at 90 s, not the base 2 s.
    expect(good.expr).toContain(leMatcher(90));
    expect(SLI_QUERIES.length).toBe(6);
  });
});

describe('compose and provisioning', () => {
  const read = (rel: string): unknown => parse(readFileSync(join(DASHBOARDS_DIR, rel), 'utf8'));
  const compose = read('docker-compose.yml') as { services: Record<string, { volumes?: string[]; command?: string[] }> };
  const mounts = Object.values(compose.services).flatMap((s) => s.volumes ?? []).filter((v) => v.startsWith('./')).map((v) => {
    const [src, dst] = v.split(':');
    return { src: src!, dst: dst! };
  });

  it('mounts only files and folders that exist', () => {
    expect(mounts.length).toBeGreaterThanOrEqual(5);
    for (const m of mounts) expect(existsSync(join(DASHBOARDS_DIR, m.src)), m.src).toBe(true);
  });

  it('points Prometheus at its config and the generated rules where the config looks for them', () => {
    const prom = read('prometheus.yml') as { rule_files: string[]; scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] };
    const rulesMount = mounts.find((m) => m.src === './generated/rules')!;
    expect(prom.rule_files).toEqual([`${rulesMount.dst}/*.yml`]);
    expect(compose.services.prometheus!.command).toContain(`--config.file=${mounts.find((m) => m.src === './prometheus.yml')!.dst}`);
    const targets = prom.scrape_configs.flatMap((s) => s.static_configs.flatMap((c) => c.targets));
    expect(targets).toContain('127.0.0.1:9464');
  });

  it('provisions the datasource and the generated dashboards from the mounted paths', () => {
    const ds = read('provisioning/datasources/prometheus.yml') as { datasources: { type: string; url: string }[] };
    expect(ds.datasources[0]!.type).toBe('prometheus');
    const prov = read('provisioning/dashboards/fleetload.yml') as { providers: { type: string; options: { path: string } }[] };
    const dashMount = mounts.find((m) => m.src === './generated')!;
    expect(prov.providers[0]!.options.path).toBe(dashMount.dst);
    expect(mounts.map((m) => m.src)).toEqual(expect.arrayContaining(['./provisioning/datasources', './provisioning/dashboards']));
  });
});
