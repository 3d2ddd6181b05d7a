const { Counter } = require('k6/metrics');
const c = new Counter('th_counter');
exports.options = { iterations: 3, thresholds: { th_counter: ['count==3'], checks: ['rate==1'] } };
exports.default = function () {
  c.add(1);
  require('k6').check(1, { one: (v) => v === 1 });
};
