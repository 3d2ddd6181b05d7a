// Run overview, first row: which run this is and whether each SLO holds so far.
import { PASS_FAIL, stat, table } from '../lib/panels';
import { runGauge } from '../lib/promql';
import type { Row } from '../lib/dashboard';
import { SLI_QUERIES } from '../lib/spec';

export function runRow(): Row {
  return {
    title: 'Run',
    panels: [
      table({
        title: 'Run info',
        description: 'fleetload_run_info of the chosen run: run id, release, profile, engine, fleet size.',
        queries: [{ expr: 'max by (run_id, release, profile, engine, clusters) (last_over_time(fleetload_run_info{run_id=~"$run_id", protocol=~"$protocol"}[$__range]))', instant: true, table: true }],
        width: 24,
        height: 4,
      }),
      ...SLI_QUERIES.map((s) =>
        stat({
          title: `SLO ${s.name}`,
          description: `${s.description}. The live verdict (fleetload_slo_ok): the runner's own judge over exact percentiles, so it is what the final verdict will say. No value: no sample yet.`,
          queries: [{ expr: runGauge(`fleetload_slo_ok{sli="${s.name}"}`), legend: s.name }],
          mappings: PASS_FAIL,
          // Red below 1 (breach), green at 1.
          thresholds: [1],
          colours: ['red', 'green'],
          width: 4,
          height: 4,
        }),
      ),
    ],
  };
}
