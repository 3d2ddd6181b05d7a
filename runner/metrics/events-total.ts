import { Counter, type Registry } from 'prom-client';

export type EventKind = 'heartbeat' | 'deployment_ready' | 'deployment_failed' | 'backoff' | 'request' | 'request_failed' | 'rollout_incomplete';
export type EventLabel = 'kind';

/** Agent and request events by kind: heartbeats, deployments, backoffs, requests, failed requests. */
export function eventsTotal(registry: Registry): Counter<EventLabel> {
  return new Counter<EventLabel>({
    name: 'fleetload_events_total',
    help: 'Events of the run by kind: heartbeat, deployment_ready, deployment_failed, backoff, request, request_failed, rollout_incomplete.',
    labelNames: ['kind'],
    registers: [registry],
  });
}
