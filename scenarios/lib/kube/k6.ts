// The k6 bindings of the Kubernetes layer: k6/http under the client, k6/websockets under watches.
// Scenarios only; protocol modules take the transport they are handed (see ./index).
export { k6KubeTransport } from './k6-transport';
export { k6WatchSockets } from './ws';
