// test.abort() in one VU stops every VU, also those in other worker threads.
const exec = require('k6/execution');
const timers = require('k6/timers');
exports.options = { vus: 4, duration: '20s' };
exports.default = async function () {
  await new Promise((r) => timers.setTimeout(r, 50));
  if (exec.vu.idInTest === 1 && exec.vu.iterationInScenario === 2) exec.test.abort('vu 1 had enough');
};
