import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { buildDashboard } from '../lib/dashboard';
import * as v from '../lib/variables';
import { apiLatencyRow } from './api-latency';
import { registrationDistributionRow } from './registration-distribution';
import { rolloutRow } from './rollout';
import { slowCallsRow } from './slow-calls';

export function slisDashboard(): Dashboard {
  return buildDashboard({
    title: 'fleetload SLIs',
    description: 'Every SLI of scenarios/lib/sli.ts against its objective: API latency by verb and scope, slow-call ratios, registration, distribution and rollouts.',
    variables: [v.datasource(), v.release(), v.profile(), v.protocol(), v.runId()],
    rows: [apiLatencyRow(), slowCallsRow(), registrationDistributionRow(), rolloutRow()],
  });
}
