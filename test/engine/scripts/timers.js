// A timer still pending when the function returns keeps the iteration going (k6's event loop).
const timers = require('k6/timers');
const { Counter } = require('k6/metrics');
const fired = new Counter('timer_fired');
exports.options = { vus: 1, iterations: 2 };
exports.default = async function () {
  timers.setTimeout(() => fired.add(1), 150);
};
