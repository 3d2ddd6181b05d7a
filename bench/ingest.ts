// Ingest throughput: k6 JSON lines through the named-pipe reader, the router, the verdict
// recorders and the exporter, in samples per second of the runner's CPU.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import config from '../k6.config';
import type { SampleLine } from '../engine/samples';
import { makeFifo, readJsonLines } from '../runner/engines/fifo';
import { Measurements } from '../runner/ingest/measurements';
import { Exporter } from '../runner/metrics/exporter';

const SAMPLES_PER_REQUEST = ['http_reqs', 'http_req_duration', 'http_req_blocked', 'http_req_connecting', 'http_req_tls_handshaking', 'http_req_sending', 'http_req_waiting', 'http_req_receiving', 'http_req_failed', 'data_sent', 'data_received'];

function requestLines(from: number, to: number): string {
  const out: string[] = [];
  const resources = ['leases', 'deployments', 'deploymentstatus', 'events', 'clusters'];
  for (let i = from; i < to; i++) {
    const tags = { expected_response: 'true', method: 'PUT', name: 'PUT /api/v1/namespaces/{ns}/clusters/{name}/lease', scenario: 'agents', status: '200', sli: 'mutating', verb: 'PUT', resource: resources[i % resources.length]!, scope: 'resource' };
    const time = new Date(1_795_000_000_000 + i).toISOString();
    for (const metric of SAMPLES_PER_REQUEST) {
      const line: SampleLine = { type: 'Point', metric, data: { time, value: (i % 97) + 0.5, tags } };
      out.push(JSON.stringify(line));
    }
  }
  return `${out.join('\n')}\n`;
}

export interface IngestResult {
  /** Lines k6 wrote (eleven per request). */
  lines: number;
  linesPerSecond: number;
  linesPerCpuSecond: number;
  /** k6 requests per second whose samples one core of the runner ingests. */
  requestsPerCpuSecond: number;
}

export async function ingestBench(requests = 100_000): Promise<IngestResult> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetload-ingest-'));
  const file = join(dir, 'samples.jsonl');
  // In chunks, so the garbage of making the input is gone before the clock starts.
  for (let i = 0; i < requests; i += 5000) appendFileSync(file, requestLines(i, Math.min(requests, i + 5000)));
  (globalThis as { gc?: () => void }).gc?.();
  const fifo = join(dir, 'samples.fifo');
  await makeFifo(fifo);
  const m = new Measurements(config.base.slos);
  const exporter = new Exporter({ slos: config.base.slos, measurements: m, processMetrics: false, progress: () => ({ dueRegistrations: 0, registered: 0 }), run: { runId: 'bench', release: 'bench', profile: 'bench', engine: 'bench', clusters: 1 } });
  m.observe(exporter);
  const reader = readJsonLines(fifo, m.ingest, m.wants);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  // The writer is its own process, as k6 is: only the reading side is measured.
  spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', file, fifo], { stdio: 'inherit' });
  await reader.done;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  rmSync(dir, { recursive: true, force: true });
  // Only http_req_duration is routed of the eleven: one sample per request must have arrived.
  if (m.counts.requests !== requests) throw new Error(`ingested ${m.counts.requests} requests, expected ${requests}`);
  const lines = requests * SAMPLES_PER_REQUEST.length;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { lines, linesPerSecond: Math.round(lines / seconds), linesPerCpuSecond: Math.round(lines / cpuSeconds), requestsPerCpuSecond: Math.round(requests / cpuSeconds) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await ingestBench(), null, 2)}\n`);
}
