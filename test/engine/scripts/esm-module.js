// An ES module script, as people write for k6; the embedded engine bundles it with esbuild.
import { check } from 'k6';
import exec from 'k6/execution';
export const options = { vus: 2, iterations: 4 };
export default async function () {
  check(exec.vu.idInTest, { 'has id': (v) => v > 0 });
}
