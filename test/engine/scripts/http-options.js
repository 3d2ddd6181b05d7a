// k6 options that shape every request: userAgent, discardResponseBodies, maxRedirects.
const http = require('k6/http');
const { check } = require('k6');
exports.options = { iterations: 1, userAgent: 'fleetload-test/1', discardResponseBodies: true, maxRedirects: 0 };
exports.default = async function () {
  const ua = await http.asyncRequest('GET', `${__ENV.BASE_URL}/ua`, null, { responseType: 'text' });
  check(ua, { 'user agent sent': (r) => r.body === 'fleetload-test/1' });
  const ok = await http.asyncRequest('GET', `${__ENV.BASE_URL}/ok`);
  check(ok, { 'body discarded': (r) => r.body === null || r.body === undefined });
  const red = await http.asyncRequest('GET', `${__ENV.BASE_URL}/redirect`);
  check(red, { 'redirect not followed': (r) => r.status === 302 });
};
