// Arrival rate with too few VUs: iterations are dropped, not queued.
const timers = require('k6/timers');
exports.options = { scenarios: { car: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '1s', preAllocatedVUs: 1, maxVUs: 1 } } };
exports.default = async function () {
  await new Promise((r) => timers.setTimeout(r, 180));
};
