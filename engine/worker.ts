// Worker-thread entry: runs one execution segment and streams its samples to the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { describeScriptError, K6ExitError } from './errors';
import { K6_EXIT } from './exit-codes';
import type { MainToWorker, WorkerToMain } from './handles';
import { Instance, type InstanceSpec } from './instance';
import type { SampleColumns } from './metrics';

function post(msg: WorkerToMain): void {
  parentPort?.postMessage(msg);
}

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('engine/worker.js must run in a worker thread');
  const spec = workerData as InstanceSpec;
  process.on('unhandledRejection', (reason) => post({ t: 'log', level: 'error', line: `Uncaught (in promise) ${describeScriptError(reason)}` }));
  const onSamples = (batch: SampleColumns): void => {
    const n = batch.length;
    const values = batch.values.slice(0, n);
    const times = batch.times.slice(0, n);
    const msg: WorkerToMain = { t: 'samples', length: n, metrics: batch.metrics.slice(0, n), values, times, tags: batch.tags.slice(0, n) };
    port.postMessage(msg, [values.buffer, times.buffer]);
  };
  const inst = new Instance(spec, onSamples, (level, line) => post({ t: 'log', level, line }), (reason) => post({ t: 'abort', reason }));
  try {
    inst.init();
  } catch (err) {
    post({ t: 'error', message: err instanceof K6ExitError ? err.message : describeScriptError(err), exitCode: err instanceof K6ExitError ? err.exitCode : K6_EXIT.scriptException });
    return;
  }
  const status = setInterval(() => post({ t: 'status', ...inst.status() }), 250);
  post({ t: 'status', ...inst.status() });
  post({ t: 'ready' });
  port.on('message', (msg: MainToWorker) => {
    if (msg.t === 'stop') inst.stop();
    else if (msg.t === 'start') {
      inst
        .run(msg.startAt)
        .then(async (outcome) => {
          clearInterval(status);
          await inst.close();
          post({ t: 'done', outcome });
          port.close();
        })
        .catch((err: unknown) => {
          clearInterval(status);
          post({ t: 'error', message: describeScriptError(err), exitCode: err instanceof K6ExitError ? err.exitCode : K6_EXIT.scriptException });
        });
    }
  });
}

void main();
