// 3 VUs x 4 iterations; module-level state is per VU.
const exec = require('k6/execution');
const { Counter, Trend } = require('k6/metrics');
const perVu = new Counter('per_vu_iterations');
const state = new Trend('module_state');
let n = 0;
exports.options = { scenarios: { pvu: { executor: 'per-vu-iterations', vus: 3, iterations: 4, tags: { kind: 'pvu' } } } };
exports.default = async function () {
  n++;
  perVu.add(1, { vu: String(exec.vu.idInTest), iter: String(__ITER) });
  state.add(n, { vu: String(__VU) });
};
