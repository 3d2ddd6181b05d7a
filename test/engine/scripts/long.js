const timers = require('k6/timers');
exports.options = { vus: 2, duration: '20s' };
exports.default = async function () {
  await new Promise((r) => timers.setTimeout(r, 20));
};
exports.teardown = function () {
  console.log('teardown ran');
};
