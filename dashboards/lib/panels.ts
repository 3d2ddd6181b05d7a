// Panel factories: every panel of every dashboard is made here, so units, legends, datasource
// references and threshold drawing are decided once.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { GraphThresholdsStyleConfigBuilder, GraphThresholdsStyleMode, LegendDisplayMode, LegendPlacement, ReduceDataOptionsBuilder, VizLegendOptionsBuilder, BigValueGraphMode, BigValueColorMode } from '@grafana/grafana-foundation-sdk/common';
import { MappingType, ThresholdsConfigBuilder, ThresholdsMode, type Panel, type Threshold, type ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as BarGaugeBuilder } from '@grafana/grafana-foundation-sdk/bargauge';

/** Every query goes to the dashboard's datasource variable, never to a fixed uid. */
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

export interface Query {
  expr: string;
  legend?: string;
  /** Evaluated once at the end of the range (whole-run values), not as a time series. */
  instant?: boolean;
  /** Format as a table (label columns), for info series. */
  table?: boolean;
}

export interface PanelOptions {
  title: string;
  description: string;
  queries: readonly Query[];
  unit?: string;
  /** Grid width out of 24. */
  width?: number;
  height?: number;
  /** Values drawn as dashed lines (time series) or colour steps (stats): red at and above each. */
  thresholds?: readonly number[];
  min?: number;
  max?: number;
}

function targets(queries: readonly Query[]): DataqueryBuilder[] {
  return queries.map((q, i) => {
    const b = new DataqueryBuilder().datasource(DATASOURCE).refId(String.fromCharCode(65 + i)).expr(q.expr);
    if (q.legend !== undefined) b.legendFormat(q.legend);
    if (q.instant) b.instant();
    else b.range();
    if (q.table) b.format(PromQueryFormat.Table);
    return b;
  });
}

function steps(values: readonly number[] | undefined, colours: [string, string] = ['green', 'red']): ThresholdsConfigBuilder {
  // Grafana's base step has a null value: it applies below the first threshold.
  const list: Threshold[] = [{ value: null, color: colours[0] }, ...(values ?? []).map((value) => ({ value, color: colours[1] }))];
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(list);
}

export function timeseries(o: PanelOptions): cog.Builder<Panel> {
  const p = new TimeseriesBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(DATASOURCE)
    .span(o.width ?? 12)
    .height(o.height ?? 8)
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).calcs([]))
    .thresholds(steps(o.thresholds))
    .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(o.thresholds && o.thresholds.length > 0 ? GraphThresholdsStyleMode.Dashed : GraphThresholdsStyleMode.Off))
    .targets(targets(o.queries));
  if (o.unit !== undefined) p.unit(o.unit);
  if (o.min !== undefined) p.min(o.min);
  if (o.max !== undefined) p.max(o.max);
  return p;
}

export interface StatOptions extends PanelOptions {
  mappings?: ValueMapping[];
  /** Colours below and at-or-above the thresholds (default green, red). */
  colours?: [string, string];
}

export function stat(o: StatOptions): cog.Builder<Panel> {
  const p = new StatBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(DATASOURCE)
    .span(o.width ?? 6)
    .height(o.height ?? 5)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .graphMode(BigValueGraphMode.None)
    .colorMode(BigValueColorMode.Background)
    .thresholds(steps(o.thresholds, o.colours))
    .targets(targets(o.queries));
  if (o.unit !== undefined) p.unit(o.unit);
  if (o.mappings) p.mappings(o.mappings);
  return p;
}

export function bars(o: PanelOptions): cog.Builder<Panel> {
  const p = new BarGaugeBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(DATASOURCE)
    .span(o.width ?? 12)
    .height(o.height ?? 8)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .thresholds(steps(o.thresholds))
    .targets(targets(o.queries));
  if (o.unit !== undefined) p.unit(o.unit);
  return p;
}

export function table(o: PanelOptions): cog.Builder<Panel> {
  return new TableBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(DATASOURCE)
    .span(o.width ?? 24)
    .height(o.height ?? 5)
    .targets(targets(o.queries));
}

/** 1 = pass, 0 = breach, as fleetload_slo_ok says it. */
export const PASS_FAIL: ValueMapping[] = [
  { type: MappingType.ValueToText, options: { '0': { text: 'BREACH', color: 'red', index: 0 }, '1': { text: 'pass', color: 'green', index: 1 } } },
];

/** 1 = healthy, 0 = saturated, for the generator's verdict stat. */
export const HEALTHY_SATURATED: ValueMapping[] = [
  { type: MappingType.ValueToText, options: { '0': { text: 'SATURATED (harness)', color: 'red', index: 0 }, '1': { text: 'healthy', color: 'green', index: 1 } } },
];
