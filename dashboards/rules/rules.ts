// SLO recording and alerting rules from the SLO spec: good and total per SLI from the histogram
// bucket at the objective, the error ratio over every window a burn tier needs, and one alert per
// SLI and tier. One rule file per profile (objectives and windows differ); each series carries the
// profile and run id, so all files can be loaded at once.
import type { ProfileName } from '../../k6.config';
import { leMatcher, profileSlos, SLI_QUERIES, sel, type SliQuery } from '../lib/spec';
import { promDuration, windowsFor, type TierWindows } from './windows';

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  interval: string;
  rules: (RecordingRule | AlertingRule)[];
}

export interface RuleFile {
  groups: RuleGroup[];
}

export const ALERT = 'FleetloadSLOErrorBudgetBurn';
/** Rules are evaluated as often as the runner is scraped (dashboards/prometheus.yml). */
export const EVALUATION_INTERVAL = '5s';

export const goodName = (w: string): string => `fleetload_sli:good:rate${w}`;
export const totalName = (w: string): string => `fleetload_sli:total:rate${w}`;
export const errorRatioName = (w: string): string => `fleetload_sli:error_ratio:rate${w}`;

/** The run's id onto every series of a target serving a run of this profile. */
function ofProfile(expr: string, profile: ProfileName): string {
  return `sum by (run_id) (${expr} * on (job, instance) group_left (run_id) max by (job, instance, run_id) (fleetload_run_info{profile="${profile}"}))`;
}

function round(x: number): number {
  return Number(x.toFixed(10));
}

export interface ProfileRules {
  profile: ProfileName;
  windows: TierWindows[];
  file: RuleFile;
  /** Error budget per SLI: 1 - percentile / 100. */
  budgets: Map<string, number>;
}

export function alertAnnotations(s: SliQuery, t: TierWindows, budget: number, objectiveS: number, percentile: number): Record<string, string> {
  return {
    summary: `${s.name}: error budget burning ${t.factor}x too fast`,
    description: `Run {{ $labels.run_id }} (profile {{ $labels.profile }}): more than ${round(t.factor * budget * 100)} % of ${s.name} observations slower than ${objectiveS} s over both the last ${promDuration(t.longS)} and ${promDuration(t.shortS)}; the objective P${percentile} <= ${objectiveS} s allows ${round(budget * 100)} %.`,
  };
}

export function profileRules(profile: ProfileName): ProfileRules {
  const { durationS, slos } = profileSlos(profile);
  const windows = windowsFor(durationS);
  const allWindows = [...new Set(windows.flatMap((w) => [w.longS, w.shortS]))].sort((a, b) => a - b).map(promDuration);
  const recording: RecordingRule[] = [];
  const alerting: AlertingRule[] = [];
  const budgets = new Map<string, number>();
  for (const s of SLI_QUERIES) {
    const slo = slos[s.name];
    const objectiveS = slo.thresholdMs / 1000;
    const budget = round(1 - slo.percentile / 100);
    budgets.set(s.name, budget);
    const labels = { sli: s.name, profile };
    const mine = `{sli="${s.name}", profile="${profile}"}`;
    for (const w of allWindows) {
      recording.push(
        { record: goodName(w), expr: ofProfile(`rate(${s.family}_bucket${sel(s.matchers, leMatcher(objectiveS))}[${w}])`, profile), labels },
        { record: totalName(w), expr: ofProfile(`rate(${s.family}_count${sel(s.matchers)}[${w}])`, profile), labels },
        { record: errorRatioName(w), expr: `1 - ${goodName(w)}${mine} / ${totalName(w)}${mine}`, labels },
      );
    }
    for (const t of windows) {
      const limit = round(t.factor * budget);
      const long = promDuration(t.longS);
      const short = promDuration(t.shortS);
      alerting.push({
        alert: ALERT,
        expr: `${errorRatioName(long)}${mine} > ${limit} and ${errorRatioName(short)}${mine} > ${limit}`,
        labels: { severity: t.severity, burn_factor: String(t.factor), long, short, sli: s.name, profile },
        annotations: alertAnnotations(s, t, budget, objectiveS, slo.percentile),
      });
    }
  }
  return {
    profile,
    windows,
    budgets,
    file: {
      // One group: its rules run in order, so each alert reads the ratios of the same evaluation.
      groups: [{ name: `fleetload-slo-${profile}`, interval: EVALUATION_INTERVAL, rules: [...recording, ...alerting] }],
    },
  };
}

/** The same groups for the Prometheus Operator. */
export function prometheusRule(r: ProfileRules): Record<string, unknown> {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: `fleetload-slo-${r.profile}`, labels: { app: 'fleetload', profile: r.profile } },
    spec: r.file,
  };
}
