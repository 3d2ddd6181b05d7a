import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { k6ModulesFor, parseK6Version, timersModuleFor, websocketsModuleFor } from '../engines/k6';
import { K6NotFoundError, locateK6 } from './locate';
import { cachedK6Path, parsePin, pinCacheKey } from './pin';

describe('k6.pin.json', () => {
  it('accepts versions and module@version extensions', () => {
    const pin = parsePin({ xk6: 'v0.20.1', k6: 'v1.8.1', extensions: ['github.com/grafana/xk6-faker@v0.4.0'] });
    expect(pin.k6).toBe('v1.8.1');
    expect(Object.isFrozen(pin)).toBe(true);
  });
  it.each([
    [{ xk6: 'latest', k6: 'v1.8.1' }, /"xk6" must be a version/],
    [{ xk6: 'v0.20.1', k6: '1.8.1' }, /"k6" must be a version/],
    [{ xk6: 'v0.20.1', k6: 'v1.8.1', extensions: ['xk6-faker'] }, /"extensions" must be a list of module@vX\.Y\.Z/],
  ])('rejects %j', (raw, message) => expect(() => parsePin(raw)).toThrow(message));
  it('changes the cache key with the extension set', () => {
    const a = parsePin({ xk6: 'v0.20.1', k6: 'v1.8.1', extensions: [] });
    const b = parsePin({ xk6: 'v0.20.1', k6: 'v1.8.1', extensions: ['github.com/grafana/xk6-faker@v0.4.0'] });
    expect(pinCacheKey(a)).not.toBe(pinCacheKey(b));
    expect(pinCacheKey(a)).toMatch(/^v1\.8\.1-/);
  });
});

describe('locateK6', () => {
  function project(): string {
    const root = mkdtempSync(join(tmpdir(), 'fleetload-pin-'));
    writeFileSync(join(root, 'k6.pin.json'), JSON.stringify({ xk6: 'v0.20.1', k6: 'v1.8.1', extensions: [] }));
    return root;
  }
  function fakeBinary(path: string): string {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '#!/bin/sh\necho k6 v1.8.1\n');
    chmodSync(path, 0o755);
    return path;
  }

  it('prefers K6_BIN, then the cache, then PATH', () => {
    const root = project();
    const onPath = fakeBinary(join(root, 'bin', 'k6'));
    expect(locateK6(root, { PATH: join(root, 'bin') })).toEqual({ path: onPath, source: 'PATH' });
    const cached = fakeBinary(cachedK6Path(root, { xk6: 'v0.20.1', k6: 'v1.8.1', extensions: [] }));
    expect(locateK6(root, { PATH: join(root, 'bin') })).toEqual({ path: cached, source: 'cache' });
    expect(locateK6(root, { PATH: join(root, 'bin'), K6_BIN: onPath })).toEqual({ path: onPath, source: 'K6_BIN' });
  });

  it('finds nothing when there is nothing, and refuses a K6_BIN that is not there', () => {
    const root = project();
    expect(locateK6(root, { PATH: '' })).toBeUndefined();
    expect(() => locateK6(root, { K6_BIN: join(root, 'nope') })).toThrow(K6NotFoundError);
  });
});

describe('k6 version', () => {
  it('picks the timers module the version has', () => {
    const v049 = parseK6Version('k6 v0.49.0 (go1.21.6, linux/amd64)')!;
    expect(timersModuleFor(v049)).toBe('k6/experimental/timers');
    expect(timersModuleFor(parseK6Version('k6 v0.50.0')!)).toBe('k6/timers');
    expect(timersModuleFor(parseK6Version('k6 v1.8.1 (go1.26.8, linux/amd64)')!)).toBe('k6/timers');
    expect(parseK6Version('nonsense')).toBeUndefined();
  });

  it('picks the websockets module the version has: k6/websockets from v1.6.0', () => {
    const at = (text: string): ReturnType<typeof websocketsModuleFor> => websocketsModuleFor(parseK6Version(text)!);
    expect(at('k6 v0.49.0')).toBe('k6/experimental/websockets');
    expect(at('k6 v1.5.9')).toBe('k6/experimental/websockets');
    expect(at('k6 v1.6.0')).toBe('k6/websockets');
    expect(at('k6 v1.8.1 (go1.26.8, linux/amd64)')).toBe('k6/websockets');
    expect(at('k6 v2.0.0')).toBe('k6/websockets');
  });

  it('gives the whole set of version-dependent modules', () => {
    expect(k6ModulesFor(parseK6Version('k6 v0.49.0')!)).toEqual({ timers: 'k6/experimental/timers', websockets: 'k6/experimental/websockets' });
    expect(k6ModulesFor(parseK6Version('k6 v1.0.0')!)).toEqual({ timers: 'k6/timers', websockets: 'k6/experimental/websockets' });
    expect(k6ModulesFor(parseK6Version('k6 v1.8.1')!)).toEqual({ timers: 'k6/timers', websockets: 'k6/websockets' });
  });
});
