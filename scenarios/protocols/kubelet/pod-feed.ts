// The push-to-pull adapter behind ControlPlane.deployments: one Watch of the agent's pods
// (fieldSelector spec.nodeName=<node>, LIST rv=0 then WATCH with bookmarks, as the reflector does)
// pushes pods into a queue; each deployments() call takes what is queued, or waits until the next
// event or its watchS runs out. The Agent asks again as soon as it has reported, so events still
// reach it as they happen, not at the next poll.
import type { DeploymentPage } from '../../lib/control-plane';
import { Watch, RESOURCES, type EventSource, type KubeClient } from '../../lib/kube/index';
import type { DeliveredEventType, Pod } from '../../lib/kube/types';
import { clearTimeout, setTimeout } from '../../lib/timers';
import { CREATED_AT_ANNOTATION, PAYLOAD_ANNOTATION, podKey } from './wire';

/**
 * The watch ends when no deployments() call has come for this long: the Agent asks again right
 * after its reports, so only an agent past its deadline leaves it idle this long, and an open
 * WebSocket would keep its k6 VU alive. An agent that comes back later gets a new watch (a relist).
 */
export const IDLE_STOP_MS = 5000;

/** A watch has no deadline of its own here: the idle stop ends it. */
const WATCH_HORIZON_MS = 24 * 3600 * 1000;

export class PodFeed {
  readonly watch: Watch<Pod>;
  private readonly queue: DeploymentPage['items'] = [];
  /** Pods handed over: a relist delivers every pod again, a running one must not be run twice. */
  private readonly seen = new Set<string>();
  private revision = 0;
  private waiter: (() => void) | undefined;
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(client: KubeClient, source: EventSource, node: string, random?: () => number) {
    this.watch = new Watch<Pod>({
      client,
      source,
      collection: { type: RESOURCES.pods },
      fieldSelector: `spec.nodeName=${node}`,
      deadlineMs: Date.now() + WATCH_HORIZON_MS,
      handlers: { onEvent: (type, pod) => this.onEvent(type, pod) },
      ...(random === undefined ? {} : { random }),
    });
    void this.watch.start();
  }

  get stopped(): boolean {
    return this.watch.stopped;
  }

  private onEvent(type: DeliveredEventType, pod: Pod): void {
    const md = pod.metadata;
    if (md?.name === undefined || md.namespace === undefined) return;
    const key = podKey(md.namespace, md.name);
    if (type === 'DELETED') {
      this.seen.delete(key);
      return;
    }
    // Only pods still to be started are work; the MODIFIED event of our own Running patch is not.
    const phase = pod.status?.phase;
    if (md.deletionTimestamp !== undefined || phase === 'Running' || phase === 'Succeeded' || phase === 'Failed' || this.seen.has(key)) return;
    this.seen.add(key);
    const created = Number(md.annotations?.[CREATED_AT_ANNOTATION]);
    this.queue.push({
      bundle: key,
      generation: md.generation ?? 1,
      createdAt: Number.isFinite(created) && created > 0 ? created : Date.parse(md.creationTimestamp ?? '') || Date.now(),
      payloadBytes: md.annotations?.[PAYLOAD_ANNOTATION]?.length ?? 0,
    });
    this.waiter?.();
  }

  /** What has arrived, at once if anything has, else after the next event or watchS seconds. */
  async next(watchS: number): Promise<DeploymentPage> {
    if (this.idle !== undefined) clearTimeout(this.idle);
    this.idle = undefined;
    if (this.queue.length === 0 && watchS > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => done(), watchS * 1000);
        const done = (): void => {
          clearTimeout(timer);
          this.waiter = undefined;
          resolve();
        };
        this.waiter = done;
      });
    }
    this.idle = setTimeout(() => this.watch.stop(), IDLE_STOP_MS);
    return { revision: ++this.revision, items: this.queue.splice(0, this.queue.length) };
  }

  stop(): void {
    if (this.idle !== undefined) clearTimeout(this.idle);
    this.waiter?.();
    this.watch.stop();
  }
}
