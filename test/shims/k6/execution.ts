// k6/execution for Node unit tests: a fixed, mutable snapshot of one VU of one instance.
const exec = {
  instance: { vusActive: 1, vusInitialized: 1, iterationsCompleted: 0, iterationsInterrupted: 0, currentTestRunDuration: 0 },
  scenario: { name: 'unit', executor: 'per-vu-iterations', startTime: 0, progress: 0, iterationInInstance: 0, iterationInTest: 0 },
  vu: { idInInstance: 1, idInTest: 1, iterationInInstance: 0, iterationInScenario: 0, tags: {} as Record<string, string>, metrics: { tags: {} as Record<string, string>, metadata: {} as Record<string, string> } },
  test: {
    options: {} as Record<string, unknown>,
    abort(reason?: string): never {
      throw new Error(`k6 test aborted${reason === undefined ? '' : `: ${reason}`}`);
    },
    fail(reason?: string): never {
      throw new Error(`k6 test failed${reason === undefined ? '' : `: ${reason}`}`);
    },
  },
};

export default exec;
