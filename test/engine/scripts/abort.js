const exec = require('k6/execution');
exports.options = { vus: 1, iterations: 5 };
exports.default = async function () {
  if (exec.vu.iterationInScenario === 1) exec.test.abort('enough');
};
