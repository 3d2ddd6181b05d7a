// Samples of setup() and teardown(): group tags ::setup / ::teardown, no scenario tag.
const http = require('k6/http');
const { check } = require('k6');
exports.options = { iterations: 1 };
exports.setup = async function () {
  const r = await http.asyncRequest('GET', `${__ENV.BASE_URL}/ok`);
  check(r, { 'setup ok': (x) => x.status === 200 });
};
exports.default = function () {};
exports.teardown = function () {
  check(1, { 'teardown ran': () => true });
};
