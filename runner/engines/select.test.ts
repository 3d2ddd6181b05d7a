import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors';
import { selectEngine } from './select';

// A root without a k6 build cache and a PATH without k6: as on a fresh machine.
const bare = mkdtempSync(join(tmpdir(), 'fleetload-nok6-'));
const noK6 = { PATH: bare };

describe('selectEngine', () => {
  it('--engine k6 with no k6 anywhere is a usage error that says how to get one', () => {
    expect(() => selectEngine('k6', bare, bare, {}, noK6)).toThrow(UsageError);
    expect(() => selectEngine('k6', bare, bare, {}, noK6)).toThrow(/^--engine k6: no k6 binary found .*run npm run k6:build, set K6_BIN, or use --engine embedded$/);
  });

  it('auto falls back to the embedded engine', () => {
    expect(selectEngine('auto', bare, bare, {}, noK6).name).toBe('embedded');
  });

  it('a K6_BIN that does not exist is a usage error naming K6_BIN, not a fallback', () => {
    expect(() => selectEngine('auto', bare, bare, {}, { ...noK6, K6_BIN: join(bare, 'missing') })).toThrow(/^K6_BIN: K6_BIN=.*missing is not an executable file/);
  });

  it('a K6_BIN that runs but is not k6 is a usage error naming K6_BIN', () => {
    const fake = join(bare, 'not-k6');
    writeFileSync(fake, '#!/bin/sh\necho hello\n');
    chmodSync(fake, 0o755);
    expect(() => selectEngine('k6', bare, bare, {}, { ...noK6, K6_BIN: fake })).toThrow(/^K6_BIN: .*not-k6 printed no k6 version/);
  });
});
