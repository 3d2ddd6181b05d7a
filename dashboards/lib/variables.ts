// Template variables. Label names are the exporter's own (fleetload_run_info: run_id, release,
// profile, engine, clusters); `testid` is k6's tag for a test run in its remote-write output.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { DatasourceVariableBuilder, QueryVariableBuilder, VariableRefresh, VariableSort, type VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCE } from './panels';

export function datasource(): cog.Builder<VariableModel> {
  return new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus');
}

/** A label of a series as a variable; `all` adds an All option matching anything, an absent label included. */
function labelVar(name: string, label: string, query: string, all: boolean, sort = VariableSort.AlphabeticalAsc): cog.Builder<VariableModel> {
  const v = new QueryVariableBuilder(name).label(label).datasource(DATASOURCE).query(query).definition(query).refresh(VariableRefresh.OnTimeRangeChanged).sort(sort);
  if (all) v.includeAll(true).allValue('.*');
  return v;
}

export function release(name = 'release', label = 'Release'): cog.Builder<VariableModel> {
  return labelVar(name, label, 'label_values(fleetload_run_info, release)', true);
}

export function profile(): cog.Builder<VariableModel> {
  return labelVar('profile', 'Profile', 'label_values(fleetload_run_info, profile)', true);
}

/** The protocol the run's agents spoke (fleetload_run_info's protocol label). */
export function protocol(): cog.Builder<VariableModel> {
  return labelVar('protocol', 'Protocol', 'label_values(fleetload_run_info, protocol)', true);
}

/** Run ids, newest first (the default ids are timestamps), narrowed by the release variable. */
export function runId(name = 'run_id', label = 'Run', releaseVar = '$release'): cog.Builder<VariableModel> {
  return labelVar(name, label, `label_values(fleetload_run_info{release=~"${releaseVar}", profile=~"$profile"}, run_id)`, false, VariableSort.AlphabeticalDesc);
}

/** k6 tags its remote-write series with testid=<run id> (fleetload passes the run id). */
export function testid(): cog.Builder<VariableModel> {
  return labelVar('testid', 'k6 testid', 'label_values(k6_vus, testid)', true, VariableSort.AlphabeticalDesc);
}

export function job(name: string, label: string, metric: string): cog.Builder<VariableModel> {
  return labelVar(name, label, `label_values(${metric}, job)`, true);
}
