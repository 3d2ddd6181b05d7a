// Blocking calls: real k6 runs them, the embedded engine refuses with the async alternative.
const http = require('k6/http');
const { sleep } = require('k6');
exports.options = { vus: 1, iterations: 1 };
exports.default = function () {
  try {
    http.get(`${__ENV.BASE_URL}/ok`);
    console.log('http.get ran');
  } catch (e) {
    console.log(`http.get failed: ${e.message}`);
  }
  try {
    sleep(0.01);
    console.log('sleep ran');
  } catch (e) {
    console.log(`sleep failed: ${e.message}`);
  }
};
