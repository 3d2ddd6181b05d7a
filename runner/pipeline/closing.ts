// The lines a person reads at the end of a run: the verdict table, what happened to the fleet,
// the target's own view, notes and warnings, and the outcome with its exit code.
import type { RunStatus, RunSummary } from '../report/summary';
import { verdictTable } from '../verdict/table';
import type { RunVerdict } from './verdict';

const OUTCOME: Readonly<Record<Exclude<RunStatus, 'slo-violated' | 'inconclusive'>, string>> = {
  passed: 'every SLO met',
  failed: 'the run failed (harness, engine or target), see the error above',
  interrupted: 'interrupted; the partial report holds what was measured',
};

export function closingLines(summary: RunSummary, verdict: RunVerdict, reportDir: string): string[] {
  const lines = ['', verdictTable(verdict.verdicts), ''];
  lines.push(`registered ${summary.clusters.registered}/${summary.plan.clusters} clusters; ${summary.counts.requests} requests, ${summary.counts.requestsFailed} failed`);
  for (const f of summary.failures.slice(0, 5)) lines.push(`  ${f.count} × ${f.status === '0' ? 'no answer' : f.status} ${f.name}`);
  for (const o of summary.outages) {
    const back = o.recoverySeconds === null ? 'the fleet had not fully recovered by the end of the run' : `the whole fleet heartbeat again ${o.recoverySeconds.toFixed(1)} s later`;
    lines.push(`target unavailable from ${o.startedAt} for ${o.seconds} s; ${back}`);
  }
  if (summary.targetView) {
    const parts = Object.entries(summary.targetView).flatMap(([sli, v]) => (v && v.p99Ms !== null ? [`${sli} ${v.p99Ms.toFixed(1)} ms`] : []));
    if (parts.length > 0) lines.push(`the target's own view (server-side P99, from its /metrics buckets): ${parts.join(', ')}`);
  }
  for (const d of summary.disagreements) lines.push(`note: ${d}`);
  const g = summary.generator;
  const health = summary.timeline.windows.flatMap((w) => (w.generator ? [w.generator] : []));
  if (health.length > 0) {
    const peak = (f: (w: (typeof health)[number]) => number): number => Math.max(...health.map(f));
    lines.push(`load generator: ${g.saturated ? 'SATURATED' : 'healthy'}; peak engine CPU ${peak((w) => w.engineCores).toFixed(2)} of ${g.engineCapacityCores} core(s), event loop P99 up to ${Math.round(peak((w) => w.eventLoopP99Ms))} ms, host CPU up to ${Math.round(peak((w) => w.hostBusy) * 100)} %`);
  }
  for (const w of summary.warnings) lines.push(`warning: ${w}`);
  if (verdict.status === 'failed' && verdict.reason) lines.push(`error: ${verdict.reason.message}`);
  const outcome = verdict.status === 'slo-violated' || verdict.status === 'inconclusive' ? (verdict.reason?.message ?? verdict.status) : OUTCOME[verdict.status];
  lines.push(`${outcome} (exit ${verdict.exitCode}); report: ${reportDir}`);
  return lines;
}
