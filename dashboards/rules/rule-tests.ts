// promtool unit tests of the SLO alerts, generated beside the rules from the same spec: for every
// profile a run that burns 20 % (every tier fires), one that burns 4 % (only the tiers with burn
// factor <= 3 fire, whatever the window) and one within budget at 0.5 % (nothing fires).
import type { ProfileName } from '../../k6.config';
import { API_FAMILY, leValue, profileSlos, SLI_QUERIES, type SliQuery } from '../lib/spec';
import { ALERT, alertAnnotations, EVALUATION_INTERVAL, type ProfileRules } from './rules';
import { promDuration } from './windows';

const STEP_S = 5;

/** Concrete labels of one observation series an SLI's matchers select. */
function seriesLabels(s: SliQuery): Record<string, string> {
  if (s.family !== API_FAMILY) return s.name === 'registration' ? { kind: 'initial' } : {};
  const verb = /verb=~?"([A-Z]+)/.exec(s.matchers)?.[1] ?? 'GET';
  const scope = /scope="([a-z]+)"/.exec(s.matchers)?.[1] ?? 'resource';
  return { verb, resource: 'clusters', scope, code_class: '2xx' };
}

function series(name: string, labels: Record<string, string>): string {
  const all = { job: 'fleetload', instance: 'runner:9464', ...labels };
  return `${name}{${Object.entries(all).map(([k, v]) => `${k}="${v}"`).join(', ')}}`;
}

interface Scenario {
  name: string;
  errorRatio: number;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'fast burn', errorRatio: 0.2 },
  { name: 'slow burn', errorRatio: 0.04 },
  { name: 'within budget', errorRatio: 0.005 },
];

export function ruleTests(r: ProfileRules, ruleFile: string): Record<string, unknown> {
  const { slos } = profileSlos(r.profile);
  const evalS = Math.max(...r.windows.map((w) => w.longS)) + 4 * STEP_S;
  const steps = evalS / STEP_S + 4;
  const runId = `test-${r.profile}`;
  const tests = SCENARIOS.map((sc) => {
    const input = [
      { series: series('fleetload_run_info', { run_id: runId, release: 'v1', profile: r.profile, engine: 'embedded', clusters: '100' }), values: `1x${steps}` },
    ];
    const expected: Array<{ exp_labels: Record<string, string>; exp_annotations: Record<string, string> }> = [];
    for (const s of SLI_QUERIES) {
      const slo = slos[s.name];
      const objectiveS = slo.thresholdMs / 1000;
      const labels = seriesLabels(s);
      const total = 100;
      const good = Number((total * (1 - sc.errorRatio)).toFixed(6));
      input.push(
        { series: series(`${s.family}_bucket`, { ...labels, le: leValue(objectiveS) }), values: `0+${good}x${steps}` },
        { series: series(`${s.family}_count`, labels), values: `0+${total}x${steps}` },
      );
      const budget = r.budgets.get(s.name)!;
      for (const t of r.windows) {
        if (sc.errorRatio <= t.factor * budget) continue;
        expected.push({
          exp_labels: { severity: t.severity, burn_factor: String(t.factor), long: promDuration(t.longS), short: promDuration(t.shortS), sli: s.name, profile: r.profile, run_id: runId },
          exp_annotations: expand(alertAnnotations(s, t, budget, objectiveS, slo.percentile), runId, r.profile),
        });
      }
    }
    return {
      name: `${r.profile}: ${sc.name} (${sc.errorRatio * 100} % slow)`,
      interval: `${STEP_S}s`,
      input_series: input,
      alert_rule_test: [{ eval_time: `${evalS}s`, alertname: ALERT, exp_alerts: expected }],
    };
  });
  return { rule_files: [ruleFile], evaluation_interval: EVALUATION_INTERVAL, tests };
}

function expand(a: Record<string, string>, runId: string, profile: ProfileName): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) out[k] = v.replaceAll('{{ $labels.run_id }}', runId).replaceAll('{{ $labels.profile }}', profile);
  return out;
}
