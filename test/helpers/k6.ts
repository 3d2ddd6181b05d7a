// Whether the real k6 is here. Locally a missing k6 skips with the reason printed; under CI=true
// it fails, since CI builds k6 (npm run k6:build) before the tests.
import { locateK6, type K6Location } from '../../runner/k6/locate';
import { ROOT } from './cli';
import { inCi } from './ci';

export function realK6(): K6Location | undefined {
  const found = locateK6(ROOT);
  if (found) return found;
  if (inCi()) throw new Error('CI=true but no k6 binary was found: .ci/run must run npm run k6:build first');
  process.stdout.write('skipping real-k6 tests: no k6 found (set K6_BIN or run npm run k6:build)\n');
  return undefined;
}
