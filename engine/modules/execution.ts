// k6/execution: read-only views of the VU, scenario and instance, and test.abort().
import { TestAbortError } from '../errors';
import type { ModuleVU } from './vu-api';

export function createExecutionModule(vu: ModuleVU): object {
  const ctx = vu.ctx;
  const vuView = {
    get idInTest(): number {
      return vu.idInTest;
    },
    get idInInstance(): number {
      return vu.idInInstance;
    },
    get iterationInScenario(): number {
      return vu.iterationInScenario;
    },
    get iterationInInstance(): number {
      return vu.iterationsInInstance;
    },
    get tags(): Record<string, string> {
      return vu.ownTags();
    },
  };
  const scenarioView = {
    get name(): string {
      return vu.scenario?.config.name ?? '';
    },
    get executor(): string {
      return vu.scenario?.config.executor ?? '';
    },
    get startTime(): number {
      return vu.scenario?.startTime ?? 0;
    },
    get progress(): number {
      return 0;
    },
    get iterationInInstance(): number {
      return vu.iterationInScenarioInstance;
    },
    get iterationInTest(): number {
      return vu.iterationInTest;
    },
  };
  const instanceView = {
    get vusActive(): number {
      return ctx.counters.vusActive;
    },
    get vusInitialized(): number {
      return ctx.maxVUs();
    },
    get iterationsCompleted(): number {
      return ctx.counters.iterationsCompleted;
    },
    get iterationsInterrupted(): number {
      return ctx.counters.iterationsInterrupted;
    },
  };
  const testView = {
    abort(reason?: string): never {
      throw new TestAbortError(reason ?? '');
    },
    get options(): Record<string, unknown> {
      return ctx.testOptions;
    },
  };
  return { vu: vuView, scenario: scenarioView, instance: instanceView, test: testView };
}
