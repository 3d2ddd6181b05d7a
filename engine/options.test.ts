import { describe, expect, it } from 'vitest';
import { K6OptionsError } from './errors';
import { K6_EXIT } from './exit-codes';
import { mergeOptions, resolveOptions } from './options';

describe('options', () => {
  it('turns shortcuts into k6 default scenarios', () => {
    expect(resolveOptions({ vus: 2, duration: '3s' }).scenarios[0]).toMatchObject({ name: 'default', executor: 'constant-vus', vus: 2, durationMs: 3000 });
    expect(resolveOptions({ iterations: 5 }).scenarios[0]).toMatchObject({ executor: 'shared-iterations', vus: 1, iterations: 5 });
    expect(resolveOptions({ stages: [{ duration: '1s', target: 3 }] }).scenarios[0]).toMatchObject({ executor: 'ramping-vus' });
  });

  it('lets CLI-style shortcut overrides replace the script scenarios', () => {
    const merged = mergeOptions({ scenarios: { a: { executor: 'constant-vus', vus: 1, duration: '1s' } } }, { vus: 3, iterations: 6 });
    expect(resolveOptions(merged).scenarios).toMatchObject([{ name: 'default', executor: 'shared-iterations', vus: 3, iterations: 6 }]);
  });

  it('rejects invalid configurations with K6OptionsError, k6 exit 104', () => {
    expect(() => resolveOptions({ scenarios: { a: { executor: 'externally-controlled' } } })).toThrow(K6OptionsError);
    expect(() => resolveOptions({ scenarios: { a: { executor: 'shared-iterations', vus: 5, iterations: 2 } } })).toThrow(/can't be less/);
    expect(() => resolveOptions({ scenarios: { a: { executor: 'constant-vus', vus: 1 } } })).toThrow(/duration is required/);
    expect(new K6OptionsError('x').exitCode).toBe(K6_EXIT.invalidConfig);
  });
});
