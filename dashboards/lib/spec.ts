// The SLO spec as dashboards and rules read it: the same table (scenarios/lib/sli.ts) and the same
// merge of base and profile (k6.config.ts) the runner's verdict uses, turned into PromQL selectors
// over the exporter's families. Nothing here restates a threshold by hand.
import config, { PROFILE_NAMES, type ProfileName } from '../../k6.config';
import { parseDurationSeconds } from '../../runner/config/duration';
import { sliFamilyName } from '../../runner/metrics/sli-duration';
import { SLIS, type SliDef, type SliName, type SloSpec } from '../../scenarios/lib/sli';

export const API_FAMILY = 'fleetload_api_request_duration_seconds';

export interface SliQuery {
  name: SliName;
  description: string;
  /** Histogram family (without _bucket/_count). */
  family: string;
  /** Label matchers inside `{}` that pick this SLI's observations out of the family ('' for all). */
  matchers: string;
}

/** The calls an API SLI judges, rebuilt from verb and scope: the exporter's API histogram has no `sli` label. */
function apiMatchers(def: SliDef): string {
  const parts: string[] = [];
  if (def.server) {
    parts.push(def.server.verbs.length === 1 ? `verb="${def.server.verbs[0]}"` : `verb=~"${def.server.verbs.join('|')}"`);
    if (def.server.scope !== undefined) parts.push(`scope="${def.server.scope}"`);
  }
  // Calls with no answer have no latency in the verdict (runner/ingest/measurements.ts).
  parts.push('code_class!="error"');
  return parts.join(', ');
}

export const SLI_QUERIES: readonly SliQuery[] = SLIS.map((def: SliDef) => ({
  name: def.name as SliName,
  description: def.description,
  family: def.tag === undefined ? sliFamilyName(def) : API_FAMILY,
  matchers: def.tag === undefined ? '' : apiMatchers(def),
}));

export const API_SLIS = SLI_QUERIES.filter((q) => q.family === API_FAMILY);

export function sliQuery(name: SliName): SliQuery {
  const q = SLI_QUERIES.find((s) => s.name === name);
  if (!q) throw new Error(`no SLI ${name}`);
  return q;
}

/**
 * A profile's duration and objectives as a run of it is judged (base, profile laid over it, no
 * CLI flags): the runner's deepMerge on these two fields, restated because runner/config/resolve
 * pulls in the scenarios' k6 modules, which only the bundler resolves outside k6.
 */
function profileConfig(profile: ProfileName): { duration: string; slos: Record<SliName, SloSpec> } {
  const over = config.profiles[profile];
  const slos = {} as Record<SliName, SloSpec>;
  for (const name of Object.keys(config.base.slos) as SliName[]) slos[name] = { ...config.base.slos[name], ...over.slos?.[name] };
  return { duration: over.duration ?? config.base.duration, slos };
}

export interface ProfileSlos {
  profile: ProfileName;
  durationS: number;
  slos: Record<SliName, SloSpec>;
}

export function profileSlos(profile: ProfileName): ProfileSlos {
  const c = profileConfig(profile);
  const durationS = parseDurationSeconds(c.duration);
  if (durationS === undefined) throw new Error(`profile ${profile}: duration ${c.duration} does not parse`);
  return { profile, durationS, slos: c.slos };
}

export const PROFILES: readonly ProfileName[] = PROFILE_NAMES;

/** The base objectives: the ones the dashboards draw as constants (the live gauge carries the run's own). */
export const BASE_SLOS: Record<SliName, SloSpec> = config.base.slos;

export const GENERATOR = config.base.generator;

/** A bucket's `le` as prom-client writes it ("1", "0.25", "90"). */
export function leValue(seconds: number): string {
  return String(seconds);
}

/**
 * Matcher for the bucket at `seconds`. Prometheus 3 rewrites classic-histogram `le` values as
 * floats on ingestion ("1" becomes "1.0"); matching both keeps rules and panels right on 2.x
 * (Debian's, the compose file's) and 3.x.
 */
export function leMatcher(seconds: number): string {
  const v = leValue(seconds);
  return Number.isInteger(seconds) ? `le=~"${v}|${v}\\\\.0"` : `le="${v}"`;
}

/** Joins matchers, skipping empty ones. */
export function sel(...parts: string[]): string {
  return `{${parts.filter((p) => p !== '').join(', ')}}`;
}
