// Whether this is CI, as CI systems say it (CI=true, CI=1, CI=yes): there a test that needs a real
// binary fails when it is missing, instead of skipping quietly.
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(true|1|yes)$/i.test((env.CI ?? '').trim());
}
