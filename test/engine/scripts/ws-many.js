// Many sockets in one VU at once: the server answers none until all 50 are open; then each
// socket, on its message, closes from the client side.
const { WebSocket } = require('k6/websockets');
const { Counter } = require('k6/metrics');
const got = new Counter('many_messages');
const closed = new Counter('many_closed');
const N = 50;
exports.options = { vus: 1, iterations: 1 };
exports.default = function () {
  for (let i = 0; i < N; i++) {
    const s = new WebSocket(`${__ENV.WS_URL}/many?run=${__ENV.RUN}`, null, { tags: { name: 'many' } });
    s.onmessage = () => {
      got.add(1);
      s.close(1000, 'enough');
      if (s.readyState !== 2) throw new Error(`readyState after close() is ${s.readyState}, not CLOSING`);
    };
    s.onclose = (e) => closed.add(1, { code: String(e.code), state: String(s.readyState) });
  }
};
