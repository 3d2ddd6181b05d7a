// handleSummary's data: which metrics, which value keys, options and state keys.
const http = require('k6/http');
exports.options = { iterations: 1 };
exports.default = async function () {
  await http.asyncRequest('GET', `${__ENV.BASE_URL}/ok`);
};
exports.handleSummary = function (d) {
  const shape = {};
  for (const [name, m] of Object.entries(d.metrics)) shape[name] = [m.type, m.contains, Object.keys(m.values).sort()];
  return { stdout: JSON.stringify({ metrics: shape, options: d.options, state: Object.keys(d.state).sort(), root: Object.keys(d.root_group).sort() }) };
};
