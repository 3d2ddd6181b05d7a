// --engine auto|k6|embedded: real k6 when one is found (K6_BIN, the build cache, PATH), else the
// embedded engine; an explicit k6 with none found is a usage error that says how to get one.
import { UsageError } from '../errors';
import { K6NotFoundError, locateK6, type K6Location } from '../k6/locate';
import type { EngineChoice } from '../config/resolve';
import { embeddedEngine } from './embedded';
import type { LoadEngine } from './engine';
import { k6Engine, type K6Extras } from './k6';

export function selectEngine(choice: EngineChoice, root: string, workDir: string, extras: K6Extras = {}, env: NodeJS.ProcessEnv = process.env): LoadEngine {
  if (choice === 'embedded') return embeddedEngine();
  let location: K6Location | undefined;
  try {
    location = locateK6(root, env);
  } catch (err) {
    if (err instanceof K6NotFoundError) throw new UsageError('K6_BIN', err.message);
    throw err;
  }
  if (location) return k6Engine(location, workDir, extras);
  if (choice === 'k6' || extras.prometheusRw !== undefined) {
    throw new UsageError(choice === 'k6' ? '--engine k6' : '--k6-prometheus-rw', 'no k6 binary found (K6_BIN unset, no build in .cache/k6, none on PATH)', 'run npm run k6:build, set K6_BIN, or use --engine embedded');
  }
  return embeddedEngine();
}
