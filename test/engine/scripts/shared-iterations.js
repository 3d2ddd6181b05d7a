const exec = require('k6/execution');
const { Counter } = require('k6/metrics');
const seen = new Counter('seen_iteration');
exports.options = { scenarios: { shared: { executor: 'shared-iterations', vus: 4, iterations: 10 } } };
exports.default = async function () {
  seen.add(1, { it: String(exec.scenario.iterationInTest) });
};
