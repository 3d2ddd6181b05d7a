// PromQL shared by the dashboards. The exporter puts the run's identity on one series only,
// fleetload_run_info; every other fleetload_* series is tied to a run by joining on the scrape
// target (job, instance), which serves one run at a time.

/** Grafana's own variables, as the panels use them. */
export const RATE = '$__rate_interval';
export const RANGE = '$__range';

/** fleetload_run_info of the chosen run, one series per target, to multiply (value 1) into a query. */
export function runInfo(runVar: string): string {
  // protocol=~ with All (.*) also matches an empty label: runs from exporters before the label.
  return `max by (job, instance) (fleetload_run_info{run_id=~"${runVar}", protocol=~"$protocol"})`;
}

/** `expr` restricted to the series of the run in `runVar` ($run_id by default). */
export function ofRun(expr: string, runVar = '$run_id'): string {
  return `(${expr}) * on (job, instance) group_left () ${runInfo(runVar)}`;
}

/** Per-second rate of a counter of the run, summed by `by`. */
export function runRate(series: string, by: readonly string[] = [], runVar = '$run_id'): string {
  return `sum${byClause(by)} (${ofRun(`rate(${series}[${RATE}])`, runVar)})`;
}

function byClause(by: readonly string[]): string {
  return by.length === 0 ? '' : ` by (${by.join(', ')})`;
}

/** Quantile of a histogram family of the run over the last $__rate_interval. */
export function runQuantile(q: number, family: string, matchers: string, by: readonly string[] = [], runVar = '$run_id'): string {
  return `histogram_quantile(${q}, ${runRate(`${family}_bucket{${matchers}}`, ['le', ...by], runVar)})`;
}

/**
 * A counter of the run at the end of the chosen time range: its largest value while the run's
 * info series was there. The subquery joins at every step, so another run on the same target
 * in the range does not mix in; each step looks back one step (windows that tile the range), so
 * the run's last scrape before its staleness marker is never skipped, whatever the step.
 */
export function runTotal(series: string, runVar = '$run_id'): string {
  const info = `max by (job, instance) (last_over_time(fleetload_run_info{run_id=~"${runVar}", protocol=~"$protocol"}[$__interval]))`;
  return `max_over_time((last_over_time(${series}[$__interval]) * on (job, instance) group_left () ${info})[${RANGE}:$__interval])`;
}

/** Quantile of a histogram family over the whole run (its final cumulative buckets): what the verdict judges. */
export function runWholeQuantile(q: number, family: string, matchers: string, runVar = '$run_id'): string {
  return `histogram_quantile(${q}, sum by (le) (${runTotal(`${family}_bucket{${matchers}}`, runVar)}))`;
}

/** Gauge of the run, reduced by `agg` over `by`. */
export function runGauge(series: string, by: readonly string[] = [], agg = 'max', runVar = '$run_id'): string {
  return `${agg}${byClause(by)} (${ofRun(series, runVar)})`;
}

/**
 * `expr`, or 0 while `like` has data: a labelled counter (failures, refusals) has no series until
 * its first increment, and a panel should show zero failures then, not "No data".
 */
export function orZero(expr: string, like: string): string {
  return `(${expr}) or on () (0 * ${like})`;
}
