import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SampleLine } from '../../engine/samples';
import { makeFifo, metricOf, readJsonLines } from './fifo';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function fifo(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetload-fifo-'));
  dirs.push(dir);
  const path = join(dir, 'p');
  await makeFifo(path);
  return path;
}

const line = (metric: string, value: number): string => JSON.stringify({ type: 'Point', metric, data: { time: '2026-11-21T00:00:00Z', value, tags: { status: '200' } } });

describe('readJsonLines over a named pipe', () => {
  it('delivers every wanted line, across chunk boundaries, in order', async () => {
    const path = await fifo();
    const got: SampleLine[] = [];
    const reader = readJsonLines(path, (b) => got.push(...b), (m) => m !== 'http_req_blocked', 7);
    const w = createWriteStream(path);
    const text = Array.from({ length: 1000 }, (_, i) => `${line(i % 2 ? 'http_req_blocked' : 'http_req_duration', i)}\n`).join('');
    // Odd splits put line breaks inside writes.
    for (let i = 0; i < text.length; i += 333) w.write(text.slice(i, i + 333));
    w.write('not json\n');
    w.end(line('fleet_heartbeats', 1)); // no trailing newline: the last line still counts
    await reader.done;
    expect(got.map((s) => s.metric).filter((m) => m === 'http_req_duration')).toHaveLength(500);
    expect(got.some((s) => s.metric === 'http_req_blocked')).toBe(false);
    expect(got.at(-1)?.metric).toBe('fleet_heartbeats');
    expect(reader.malformed).toBe(1);
  });

  it('ends when the writer never opened the pipe and is released', async () => {
    const path = await fifo();
    const reader = readJsonLines(path, () => undefined);
    await new Promise((r) => setTimeout(r, 50));
    reader.release();
    await expect(reader.done).resolves.toBeUndefined();
  });

  it('reads the metric name without parsing', () => {
    expect(metricOf(line('http_reqs', 1))).toBe('http_reqs');
    expect(metricOf('{"type":"Point"}')).toBeUndefined();
  });
});
