// Run overview: the load generator's own health, beside the SLOs, so a breach the harness caused
// is seen as such. Limits come from k6.config.ts `generator`, the ones the verdict applies.
import { HEALTHY_SATURATED, stat, timeseries } from '../lib/panels';
import { runGauge, runRate } from '../lib/promql';
import type { Row } from '../lib/dashboard';
import { GENERATOR } from '../lib/spec';

const health = (signal: string): string => runGauge(`fleetload_generator_health{signal="${signal}"}`);

export function generatorRow(): Row {
  const loopS = GENERATOR.maxEventLoopDelayMs / 1000;
  return {
    title: 'Load generator health',
    panels: [
      stat({
        title: 'Generator',
        description: `Healthy while its last 10 s window was within k6.config.ts generator limits: event-loop P99 <= ${GENERATOR.maxEventLoopDelayMs} ms, host busy <= ${GENERATOR.maxHostBusy}, dropped iterations <= ${GENERATOR.maxDroppedIterations}. SATURATED: an SLO breach now may be the harness's, not the target's (the verdict would say inconclusive).`,
        queries: [
          {
            expr: `(${health('event_loop_delay_p99_seconds')} <= bool ${loopS}) * (${health('host_cpu_busy_ratio')} <= bool ${GENERATOR.maxHostBusy}) * (${health('dropped_iterations')} <= bool ${GENERATOR.maxDroppedIterations})`,
          },
        ],
        mappings: HEALTHY_SATURATED,
        thresholds: [1],
        colours: ['red', 'green'],
        width: 6,
        height: 8,
      }),
      timeseries({
        title: 'Event-loop delay P99',
        description: 'Of the runner thread where the embedded engine runs its VUs; the dashed line is the unhealthy limit.',
        queries: [{ expr: health('event_loop_delay_p99_seconds'), legend: 'event loop P99' }],
        unit: 's',
        thresholds: [loopS],
        width: 6,
      }),
      timeseries({
        title: 'CPU: engine cores and host busy',
        description: 'Cores the engine used, and the share of the whole host that was busy (dashed: the host limit).',
        queries: [
          { expr: health('engine_cpu_cores'), legend: 'engine cores' },
          { expr: health('host_cpu_busy_ratio'), legend: 'host busy ratio' },
        ],
        thresholds: [GENERATOR.maxHostBusy],
        width: 6,
      }),
      timeseries({
        title: 'Dropped iterations and runner CPU',
        description: 'k6 dropped_iterations in the window (arrival-rate executors that could not keep up), and the runner process CPU.',
        queries: [
          { expr: health('dropped_iterations'), legend: 'dropped iterations' },
          { expr: runRate('fleetload_runner_process_cpu_seconds_total'), legend: 'runner CPU cores' },
        ],
        width: 6,
      }),
    ],
  };
}
