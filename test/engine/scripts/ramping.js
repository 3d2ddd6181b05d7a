// ramping-vus, startTime, per-scenario env/tags/exec.
const timers = require('k6/timers');
const { Counter } = require('k6/metrics');
const who = new Counter('who');
exports.options = {
  scenarios: {
    rv: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '500ms', target: 4 }, { duration: '500ms', target: 0 }], gracefulRampDown: '0s', exec: 'slow' },
    late: { executor: 'shared-iterations', vus: 1, iterations: 2, startTime: '300ms', env: { WHO: 'late' }, tags: { t: 'x' }, exec: 'whoami' },
  },
};
exports.slow = async function () {
  await new Promise((r) => timers.setTimeout(r, 100));
};
exports.whoami = function () {
  who.add(1, { who: __ENV.WHO });
};
