import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { buildDashboard } from '../lib/dashboard';
import * as v from '../lib/variables';
import { compareLoadRow } from './load';
import { compareSlisRow } from './slis';

export function compareDashboard(): Dashboard {
  return buildDashboard({
    title: 'fleetload release comparison',
    description: 'Two runs (pick each by release, then run id) side by side on the same panels, each judged over its whole run.',
    variables: [
      v.datasource(),
      v.profile(),
      v.protocol(),
      v.release('release_a', 'Release A'),
      v.runId('run_a', 'Run A', '$release_a'),
      v.release('release_b', 'Release B'),
      v.runId('run_b', 'Run B', '$release_b'),
    ],
    rows: [compareSlisRow(), compareLoadRow()],
    time: { from: 'now-7d', to: 'now' },
  });
}
