// Time-bounded executors; iteration counts are compared within k6's tolerances.
const timers = require('k6/timers');
exports.options = {
  scenarios: {
    cv: { executor: 'constant-vus', vus: 2, duration: '1s', exec: 'slow' },
    car: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '1s', preAllocatedVUs: 2, maxVUs: 4, exec: 'quick' },
    rar: { executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1s', stages: [{ duration: '1s', target: 20 }], preAllocatedVUs: 2, exec: 'quick' },
  },
};
exports.slow = async function () {
  await new Promise((r) => timers.setTimeout(r, 100));
};
exports.quick = function () {};
