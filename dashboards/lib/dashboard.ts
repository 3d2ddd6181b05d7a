// A dashboard from its rows: uid from its name (stable across regenerations, so links and
// provisioning keep pointing at it), panel ids in order, the schema version the SDK targets.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { DashboardBuilder, DashboardCursorSync, DashboardLinkBuilder, DashboardLinkType, RowBuilder, type Dashboard, type Panel, type VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';

export interface Row {
  title: string;
  panels: readonly cog.Builder<Panel>[];
}

export interface DashboardSpec {
  /** Name, also the source of the uid. */
  title: string;
  description: string;
  variables: readonly cog.Builder<VariableModel>[];
  rows: readonly Row[];
  time?: { from: string; to: string };
}

/** Grafana uids are at most 40 characters of [a-zA-Z0-9-_]. */
export function uidOf(title: string): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return (slug.startsWith('fleetload-') ? slug : `fleetload-${slug}`).slice(0, 40).replace(/-$/, '');
}

export const TAG = 'fleetload';

export function buildDashboard(spec: DashboardSpec): Dashboard {
  const b = new DashboardBuilder(spec.title)
    .uid(uidOf(spec.title))
    .description(spec.description)
    .tags([TAG])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('5s')
    .time(spec.time ?? { from: 'now-30m', to: 'now' })
    .timezone('browser')
    .link(new DashboardLinkBuilder('fleetload').type(DashboardLinkType.Dashboards).tags([TAG]).asDropdown(true).includeVars(true).keepTime(true))
    .variables([...spec.variables]);
  for (const row of spec.rows) {
    b.withRow(new RowBuilder(row.title));
    for (const p of row.panels) b.withPanel(p);
  }
  const d = b.build();
  // Grafana assigns ids to panels without one on load and rewrites them on every save;
  // numbering them here keeps the committed JSON identical to what Grafana would store.
  let id = 1;
  for (const p of d.panels ?? []) (p as { id?: number }).id = id++;
  return d;
}
