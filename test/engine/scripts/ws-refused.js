// A refused connection: the error event, then the close event, then the iteration ends.
const { WebSocket } = require('k6/websockets');
const { Counter } = require('k6/metrics');
const events = new Counter('refused_events');
exports.options = { vus: 1, iterations: 2 };
exports.default = function () {
  let n = 0;
  const s = new WebSocket(`${__ENV.REFUSED_URL}`);
  s.onopen = () => events.add(1, { kind: 'open', n: String(n++) });
  s.onerror = (e) => events.add(1, { kind: 'error', n: String(n++), error: e.error, state: String(s.readyState) });
  s.onclose = () => events.add(1, { kind: 'close', n: String(n++) });
  try {
    s.send('too early');
  } catch (e) {
    events.add(1, { kind: 'send-before-open', error: String(e) });
  }
};
