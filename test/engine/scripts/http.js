const http = require('k6/http');
const { check } = require('k6');
exports.options = { vus: 1, iterations: 1 };
exports.default = async function () {
  const ok = await http.asyncRequest('GET', `${__ENV.BASE_URL}/ok?x=1`, null, { tags: { mine: 'yes' } });
  check(ok, { 'status 200': (r) => r.status === 200, 'json ok': (r) => r.json().ok === true, 'content type': (r) => r.headers['Content-Type'] === 'application/json' });
  const missing = await http.asyncRequest('POST', `${__ENV.BASE_URL}/404`, 'abc');
  check(missing, { 'status 404': (r) => r.status === 404, 'code 1404': (r) => r.error_code === 1404 });
  const redirected = await http.asyncRequest('GET', `${__ENV.BASE_URL}/redirect`);
  check(redirected, { 'followed redirect': (r) => r.status === 200 && r.url.endsWith('/ok?from=redirect') });
  // A name tag stands for the URL in the url tag too (k6 groups per-id URLs under one name).
  await http.asyncRequest('GET', `${__ENV.BASE_URL}/ok?id=7`, null, { tags: { name: 'ok-by-id' } });
  const refused = await http.asyncRequest('GET', 'http://127.0.0.1:1/', null, { timeout: '2s' });
  check(refused, { 'status 0': (r) => r.status === 0, 'code 1212': (r) => r.error_code === 1212 });
};
