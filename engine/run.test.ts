import { describe, expect, it } from 'vitest';
import { serializeSetupData } from './run';

describe('setup data', () => {
  it('is serialized as k6 does (sorted keys, Go time)', () => {
    expect(serializeSetupData({ b: 1, a: { d: new Date(1500), c: [2] } })).toBe('{"a":{"c":[2],"d":"1970-01-01T00:00:01.5Z"},"b":1}');
    expect(serializeSetupData(undefined)).toBeUndefined();
  });
});
