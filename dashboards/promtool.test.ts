// promtool on what this folder ships: the Prometheus config, every generated rule file, and the
// generated unit tests that fire each burn alert on a breach and keep it silent within budget.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { requireBinary } from '../test/helpers/binary';
import { DASHBOARDS_DIR } from './generate';

// Skips with the reason printed locally; under CI=true a missing promtool fails (inCi()).
const promtool = requireBinary('promtool', 'apt-get install -y prometheus');

function run(args: string[], cwd = DASHBOARDS_DIR): { code: number | null; out: string } {
  const r = spawnSync(promtool!, args, { cwd, encoding: 'utf8', timeout: 50_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const ruleFiles = readdirSync(join(DASHBOARDS_DIR, 'generated', 'rules')).filter((f) => f.endsWith('.yml'));
const testFiles = readdirSync(join(DASHBOARDS_DIR, 'tests')).filter((f) => f.endsWith('.test.yml'));

describe.skipIf(!promtool)('promtool', () => {
  it('accepts dashboards/prometheus.yml', () => {
    const r = run(['check', 'config', 'prometheus.yml']);
    expect(r.code, r.out).toBe(0);
  });

  it('accepts the config with the generated rules where compose mounts them', () => {
    // The config names the rules by their path in the container; point it at the generated ones.
    const dir = mkdtempSync(join(tmpdir(), 'fleetload-promcfg-'));
    const cfg = readFileSync(join(DASHBOARDS_DIR, 'prometheus.yml'), 'utf8').replace('/etc/prometheus/rules/*.yml', join(DASHBOARDS_DIR, 'generated', 'rules', '*.yml'));
    expect(cfg).toContain(join(DASHBOARDS_DIR, 'generated', 'rules'));
    writeFileSync(join(dir, 'prometheus.yml'), cfg);
    const r = run(['check', 'config', join(dir, 'prometheus.yml')]);
    expect(r.code, r.out).toBe(0);
    // promtool checks each rule file the config names: one SUCCESS line per file.
    expect(r.out.match(/SUCCESS: \d+ rules found/g) ?? []).toHaveLength(ruleFiles.length);
  });

  it('has a rule file and a unit test file for every profile', () => {
    expect(ruleFiles.length).toBeGreaterThanOrEqual(6);
    expect(testFiles.map((f) => f.replace('.test.yml', '.yml')).sort()).toEqual([...ruleFiles].sort());
  });

  it.each(ruleFiles)('check rules %s (lint included)', (f) => {
    const r = run(['check', 'rules', join('generated', 'rules', f)]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).not.toMatch(/duplicate|FAILED/);
  });

  it.each(testFiles)('test rules %s: alerts fire on a breach, stay silent within budget', (f) => {
    const tests = parse(readFileSync(join(DASHBOARDS_DIR, 'tests', f), 'utf8')) as { tests: { name: string; alert_rule_test: { exp_alerts: unknown[] }[] }[] };
    // The tests must expect something to fire and something to stay quiet, or they prove nothing.
    const counts = tests.tests.map((t) => t.alert_rule_test[0]!.exp_alerts.length);
    expect(Math.max(...counts)).toBeGreaterThan(0);
    expect(Math.min(...counts)).toBe(0);
    const r = run(['test', 'rules', f], join(DASHBOARDS_DIR, 'tests'));
    expect(r.code, r.out).toBe(0);
  });
});
