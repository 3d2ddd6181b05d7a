// k6/websockets (and k6/experimental/websockets) for Node unit tests: there is no network here.
// Unit tests drive watches through a fake WatchSocketFactory; a test that reaches this has missed one.
function unavailable(): never {
  throw new Error('k6/websockets is not available in unit tests: drive the watch through a fake WatchSocketFactory');
}

export class WebSocket {
  constructor() {
    unavailable();
  }
}
