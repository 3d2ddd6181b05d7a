// setup() data reaches VUs and teardown() as a JSON copy; handleSummary gets k6's data shape.
const { check, group } = require('k6');
// One VU: with two, whether the second sees the data before the first mutates it is a race.
exports.options = { vus: 1, iterations: 4 };
exports.setup = function () {
  return { token: 'abc', when: new Date(0), nested: { list: [1, 2] } };
};
exports.default = function (data) {
  group('outer', () => {
    check(data, { 'token passed': (d) => d.token === 'abc', 'date as string': (d) => typeof d.when === 'string' });
  });
  data.token = 'mutated';
};
exports.teardown = function (data) {
  console.log(`teardown saw ${JSON.stringify(data)}`);
};
exports.handleSummary = function (data) {
  const outer = data.root_group.groups.find((g) => g.name === 'outer');
  return {
    stdout: JSON.stringify({
      iterations: data.metrics.iterations.values.count,
      checkRate: data.metrics.checks.values.rate,
      outerChecks: outer.checks.map((c) => [c.name, c.passes, c.fails]),
      trendKeys: Object.keys(data.metrics.iteration_duration.values).sort(),
      types: [data.metrics.iterations.type, data.metrics.checks.type, data.metrics.iteration_duration.contains],
    }),
  };
};
