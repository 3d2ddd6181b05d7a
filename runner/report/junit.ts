// reports/<run-id>/junit.xml: one testcase per SLO, so CI systems show a breach as a failed test
// and a harness failure or an interruption as an error, next to the project's other tests.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from './summary';

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function ms(v: number | null): string {
  return v === null ? 'never (some never completed)' : `${v.toFixed(1)} ms`;
}

export function junitXml(s: RunSummary): string {
  const cases = s.slos.map((v) => {
    const name = `P${v.percentile} ${v.sli} <= ${v.objectiveMs} ms`;
    const body =
      v.status === 'fail' && s.status === 'inconclusive'
        ? `<skipped message="${esc(`inconclusive: P${v.percentile} ${ms(v.valueMs)} > ${v.objectiveMs} ms while the load generator was saturated`)}"/>`
        : v.status === 'fail'
        ? `<failure type="SloViolation" message="${esc(`${v.sli}: P${v.percentile} ${ms(v.valueMs)} > ${v.objectiveMs} ms`)}">${esc(`${v.description}\ncount ${v.stats.count}, P50 ${v.stats.p50} ms, P90 ${v.stats.p90} ms, P99 ${v.stats.p99} ms, max ${v.stats.max} ms, slow ${v.stats.slowCount}${v.note ? `\n${v.note}` : ''}`)}</failure>`
        : v.status === 'no-data'
          ? '<skipped message="no samples"/>'
          : '';
    return `    <testcase classname="fleetload.slo" name="${esc(name)}" time="0">${body}</testcase>`;
  });
  // A harness failure, an interruption, or a breach the saturated generator may have caused: an
  // error of the run, never a failure of the target's SLOs.
  const runCase =
    s.status === 'failed' || s.status === 'interrupted' || s.status === 'inconclusive'
      ? [`    <testcase classname="fleetload.run" name="run ${esc(s.runId)}" time="${s.wallSeconds.toFixed(1)}"><error type="${s.status}" message="${esc(s.error ?? 'interrupted: partial results')}"/></testcase>`]
      : [];
  const all = [...cases, ...runCase];
  const failures = s.status === 'inconclusive' ? 0 : s.slos.filter((v) => v.status === 'fail').length;
  const skipped = s.slos.filter((v) => v.status === 'no-data' || (v.status === 'fail' && s.status === 'inconclusive')).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="fleetload" tests="${all.length}" failures="${failures}" errors="${runCase.length}" time="${s.wallSeconds.toFixed(1)}">`,
    `  <testsuite name="fleetload ${esc(s.profile)} ${s.plan.clusters} clusters (${esc(s.release)})" tests="${all.length}" failures="${failures}" errors="${runCase.length}" skipped="${skipped}" timestamp="${s.startedAt}" time="${s.wallSeconds.toFixed(1)}">`,
    `    <properties><property name="run_id" value="${esc(s.runId)}"/><property name="status" value="${s.status}"/><property name="engine" value="${esc(s.engine.version)}"/></properties>`,
    ...all,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export async function writeJunit(dir: string, summary: RunSummary): Promise<string> {
  const file = join(dir, 'junit.xml');
  await writeFile(file, junitXml(summary));
  return file;
}
