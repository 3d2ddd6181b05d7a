// The pinned real-k6 build (k6.pin.json) and where its binary is cached.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface K6Pin {
  xk6: string;
  k6: string;
  extensions: string[];
}

const VERSION = /^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const EXTENSION = /^[a-z0-9.-]+(\/[A-Za-z0-9._~-]+)+@v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

export function parsePin(raw: unknown, source = 'k6.pin.json'): K6Pin {
  if (typeof raw !== 'object' || raw === null) throw new Error(`${source}: expected a JSON object`);
  const obj = raw as Record<string, unknown>;
  for (const key of ['xk6', 'k6'] as const) {
    const v = obj[key];
    if (typeof v !== 'string' || !VERSION.test(v)) {
      throw new Error(`${source}: "${key}" must be a version like v1.2.3, got ${JSON.stringify(v)}`);
    }
  }
  const ext = obj.extensions ?? [];
  if (!Array.isArray(ext) || ext.some((e) => typeof e !== 'string' || !EXTENSION.test(e))) {
    throw new Error(`${source}: "extensions" must be a list of module@vX.Y.Z, got ${JSON.stringify(ext)}`);
  }
  return Object.freeze({ xk6: obj.xk6 as string, k6: obj.k6 as string, extensions: [...(ext as string[])] });
}

export function readPin(root: string): K6Pin {
  const file = join(root, 'k6.pin.json');
  return parsePin(JSON.parse(readFileSync(file, 'utf8')), file);
}

/** A build directory per k6 version and extension set, so a changed pin never reuses a stale binary. */
export function pinCacheKey(pin: K6Pin): string {
  const ext = createHash('sha256').update(pin.extensions.join('\n')).digest('hex').slice(0, 10);
  return `${pin.k6}-${ext}`;
}

export function cachedK6Path(root: string, pin: K6Pin): string {
  return join(root, '.cache', 'k6', pinCacheKey(pin), 'k6');
}
