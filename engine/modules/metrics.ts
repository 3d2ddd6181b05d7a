// k6/metrics: custom Counter, Gauge, Rate and Trend, declared in the init context.
import type { MetricType, ValueType } from '../samples';
import type { ModuleVU } from './vu-api';

export function createMetricsModule(vu: ModuleVU): object {
  const make = (type: MetricType) =>
    function Metric(this: unknown, name: string, isTime?: boolean): object {
      if (!vu.inInit) throw new Error('metrics must be declared in the init context');
      const contains: ValueType = isTime === true && type !== 'counter' ? 'time' : isTime === true ? 'time' : 'default';
      const info = vu.ctx.registry.register(name, type, contains);
      return {
        name,
        add(value: unknown, tags?: Record<string, unknown>): boolean {
          if (vu.inInit) throw new Error('metrics can not be added in the init context');
          let v: number;
          if (type === 'rate') v = typeof value === 'number' ? (value !== 0 ? 1 : 0) : value ? 1 : 0;
          else {
            v = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
            if (!Number.isFinite(v)) throw new Error(`'${String(value)}' is an invalid value for metric '${name}', a number or a boolean value is expected`);
          }
          vu.emit(info, v, tags);
          return true;
        },
      };
    };
  return { Counter: make('counter'), Gauge: make('gauge'), Rate: make('rate'), Trend: make('trend') };
}
