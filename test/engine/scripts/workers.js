const exec = require('k6/execution');
const { Counter } = require('k6/metrics');
const ids = new Counter('vu_ids');
exports.options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 6, iterations: 2 } } };
exports.default = async function () {
  ids.add(1, { vu: String(exec.vu.idInTest) });
};
