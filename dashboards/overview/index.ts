import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { buildDashboard } from '../lib/dashboard';
import * as v from '../lib/variables';
import { generatorRow } from './generator';
import { k6Row } from './k6';
import { loadRow } from './load';
import { runRow } from './run';

export function overviewDashboard(): Dashboard {
  return buildDashboard({
    title: 'fleetload run overview',
    description: 'One run live: its SLOs so far, the fleet, the traffic, and whether the load generator itself is healthy.',
    variables: [v.datasource(), v.release(), v.profile(), v.protocol(), v.runId(), v.testid()],
    rows: [runRow(), generatorRow(), loadRow(), k6Row()],
  });
}
