// The per-VU `require`: each VU gets its own instance of every k6 module it imports.
import { createExecutionModule } from './execution';
import { createHttpModule } from './http';
import { createK6Module } from './k6';
import { createMetricsModule } from './metrics';
import { createTimersModule } from './timers';
import type { ModuleVU } from './vu-api';
import { createWebSocketsModule } from './websockets';

const FACTORIES: Record<string, (vu: ModuleVU) => object> = {
  k6: createK6Module,
  'k6/http': createHttpModule,
  'k6/metrics': createMetricsModule,
  'k6/execution': createExecutionModule,
  'k6/timers': createTimersModule,
  'k6/experimental/timers': createTimersModule,
  // k6/websockets from k6 v1.6; before, and still accepted (deprecated) after, the experimental path.
  'k6/websockets': createWebSocketsModule,
  'k6/experimental/websockets': createWebSocketsModule,
};

export function createModule(name: string, vu: ModuleVU): object {
  const factory = FACTORIES[name];
  if (factory === undefined) {
    throw new Error(`unknown module: ${name} (the embedded engine provides ${Object.keys(FACTORIES).join(', ')})`);
  }
  return factory(vu);
}
