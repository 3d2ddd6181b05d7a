// A watch-like stream: headers reach the server, messages arrive one by one as the server sends
// them (each receipt time recorded), pings both ways, and the server closes both sockets.
const { WebSocket } = require('k6/websockets');
const { Counter, Trend } = require('k6/metrics');
const receivedAt = new Trend('paced_received_at');
const events = new Counter('stream_events');
exports.options = { vus: 1, iterations: 1 };
exports.default = function () {
  const base = `${__ENV.WS_URL}`;
  const run = __ENV.RUN;
  const h = new WebSocket(`${base}/headers?run=${run}`, null, {
    headers: { Authorization: 'Bearer fleet-token', Origin: 'https://fleetload.test' },
    tags: { watch: 'headers' },
  });
  h.onmessage = (e) => {
    const got = JSON.parse(e.data);
    events.add(1, { kind: 'headers', authorization: got.authorization, origin: got.origin, type: e.type });
  };
  h.onerror = (e) => events.add(1, { kind: 'headers-error', error: e.error });
  h.onclose = (e) => events.add(1, { kind: 'headers-close', code: String(e.code), state: String(h.readyState) });

  const p = new WebSocket(`${base}/paced?run=${run}`);
  p.onopen = () => {
    events.add(1, { kind: 'paced-open', state: String(p.readyState) });
    p.ping();
  };
  p.onping = () => events.add(1, { kind: 'ping' });
  p.onpong = () => events.add(1, { kind: 'pong' });
  p.addEventListener('message', (e) => {
    receivedAt.add(Date.now(), { seq: String(JSON.parse(e.data).seq) });
  });
  p.onerror = (e) => events.add(1, { kind: 'paced-error', error: e.error });
  p.onclose = (e) => events.add(1, { kind: 'paced-close', code: String(e.code) });
};
