// A threshold with abortOnFail stops the run early (k6 evaluates every 2s) with exit 99.
const timers = require('k6/timers');
const { Counter } = require('k6/metrics');
const c = new Counter('aborting_counter');
exports.options = {
  scenarios: { cv: { executor: 'constant-vus', vus: 1, duration: '8s' } },
  thresholds: { aborting_counter: [{ threshold: 'count<3', abortOnFail: true }] },
};
exports.default = async function () {
  c.add(1);
  await new Promise((r) => timers.setTimeout(r, 50));
};
