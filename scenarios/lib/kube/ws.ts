// The k6 WebSocket behind socketSource: the only file of the layer that imports k6/websockets (the
// bundler maps it to k6/experimental/websockets for k6 v0.49, which has only that one).
import { WebSocket } from 'k6/websockets';
import type { WatchSocketFactory } from './sources';

export const k6WatchSockets: WatchSocketFactory = (url, headers, tags, h) => {
  const ws = new WebSocket(url, null, {
    headers: { ...headers },
    tags: { sli: tags.sli, verb: tags.verb, resource: tags.resource, scope: tags.scope, name: tags.name },
  });
  ws.onopen = () => h.open();
  ws.onmessage = (e) => h.message(e === undefined ? undefined : e.data);
  ws.onerror = (e) => h.error(e === undefined ? 'websocket error' : e.error);
  ws.onclose = () => h.close();
  return ws;
};
