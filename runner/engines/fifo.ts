// A named pipe for k6's `--out json=PIPE`: samples stream to the runner as they happen and never
// touch the disk, whatever the run's length.
import { execFile } from 'node:child_process';
import { constants, createReadStream, openSync, closeSync } from 'node:fs';
import { promisify } from 'node:util';
import { parseSampleLine, type SampleLine, type SampleSink } from '../../engine/samples';

const run = promisify(execFile);

export async function makeFifo(path: string): Promise<void> {
  await run('mkfifo', ['-m', '600', path]);
}

export interface FifoReader {
  /** Resolves when the writer has closed the pipe and every line has been handed on. */
  done: Promise<void>;
  /** Unblocks a reader whose writer never opened the pipe (k6 failed before its outputs started). */
  release(): void;
  malformed: number;
}

const METRIC_KEY = '"metric":"';

/** The metric name of a k6 JSON line without parsing it (k6 writes `"metric":"NAME"` verbatim). */
export function metricOf(line: string): string | undefined {
  const at = line.indexOf(METRIC_KEY);
  if (at < 0) return undefined;
  const start = at + METRIC_KEY.length;
  const end = line.indexOf('"', start);
  return end < 0 ? undefined : line.slice(start, end);
}

/**
 * `wanted` filters by metric name before parsing: k6 writes about eleven lines per request, and the
 * runner reads two of them; parsing only those is most of the ingest's CPU.
 */
export function readJsonLines(path: string, sink: SampleSink, wanted?: (metric: string) => boolean, batchSize = 2000): FifoReader {
  let rest = '';
  let opened = false;
  const reader: FifoReader = {
    malformed: 0,
    done: Promise.resolve(),
    release() {
      if (opened) return;
      try {
        // A blocked reader counts as present, so this non-blocking open succeeds and lets both
        // sides through; closing it at once gives the reader its end of file.
        closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // No reader left to unblock.
      }
    },
  };
  reader.done = new Promise<void>((resolve, reject) => {
    const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
    stream.on('open', () => {
      opened = true;
    });
    stream.on('data', (chunk: string | Buffer) => {
      const text = rest + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      let batch: SampleLine[] = [];
      for (const l of lines) {
        if (wanted) {
          const metric = metricOf(l);
          if (metric !== undefined && !wanted(metric)) continue;
        }
        try {
          const parsed = parseSampleLine(l);
          if (parsed) batch.push(parsed);
        } catch {
          reader.malformed++;
        }
        if (batch.length >= batchSize) {
          sink(batch);
          batch = [];
        }
      }
      if (batch.length > 0) sink(batch);
    });
    stream.on('end', () => {
      try {
        const last = parseSampleLine(rest);
        if (last) sink([last]);
      } catch {
        reader.malformed++;
      }
      resolve();
    });
    stream.on('error', reject);
  });
  return reader;
}
