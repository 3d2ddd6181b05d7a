import { describe, expect, it } from 'vitest';
import { formatK6Duration, parseDurationSeconds } from './duration';

describe('parseDurationSeconds', () => {
  it.each([
    ['30s', 30],
    ['5m', 300],
    ['1h30m', 5400],
    ['1500ms', 1.5],
    ['90', 90],
    ['0s', 0],
  ])('%s → %d s', (text, seconds) => expect(parseDurationSeconds(text)).toBe(seconds));

  it.each(['-1s', 'soon', '', '5 m', '1d', 's'])('rejects %j', (text) => expect(parseDurationSeconds(text)).toBeUndefined());

  it('formats for k6', () => {
    expect(formatK6Duration(75)).toBe('75s');
    expect(formatK6Duration(1.25)).toBe('1250ms');
  });
});
