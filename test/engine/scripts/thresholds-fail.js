const { Counter, Rate } = require('k6/metrics');
const c = new Counter('th_counter');
const r = new Rate('th_rate');
exports.options = {
  iterations: 5,
  thresholds: { th_counter: ['count>=5', 'count<3'], 'th_rate{kind:a}': ['rate>0.5'], iteration_duration: ['p(95)<60000', 'max<60000'] },
};
exports.default = function () {
  c.add(1);
  r.add(true, { kind: 'a' });
  r.add(false, { kind: 'b' });
};
