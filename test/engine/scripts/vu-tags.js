// exec.vu.tags: tags a VU sets on itself go on its later samples, and only on its own.
const exec = require('k6/execution');
const { Counter } = require('k6/metrics');
const c = new Counter('tagged');
exports.options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 2 } } };
exports.default = async function () {
  if (exec.vu.idInTest === 1) exec.vu.tags.role = 'leader';
  c.add(1);
};
