import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { buildDashboard } from '../lib/dashboard';
import * as v from '../lib/variables';
import { apiserverRow } from './apiserver';
import { simulatorRow } from './simulator';

export function targetDashboard(): Dashboard {
  return buildDashboard({
    title: 'fleetload target',
    description: "The control plane's own view of the load: the built-in simulator's fleetsim_* metrics, or a Kubernetes API server's. Pick the scrape job of each.",
    variables: [v.datasource(), v.job('sim_job', 'Simulator job', 'fleetsim_inflight_requests'), v.job('apiserver_job', 'API server job', 'apiserver_request_total')],
    rows: [simulatorRow(), apiserverRow()],
  });
}
