// The k6 transport of the Kubernetes client: async requests only (a blocking http.* call would
// stop every agent of the VU), tagged by SLI and URL template, bodies as text.
import http from 'k6/http';
import type { KubeTransport } from './transport';

export const k6KubeTransport: KubeTransport = {
  async request(method, url, body, headers, tags, timeoutMs) {
    const res = await http.asyncRequest(method, url, body, {
      headers,
      tags: { sli: tags.sli, verb: tags.verb, resource: tags.resource, scope: tags.scope, name: tags.name },
      timeout: timeoutMs,
      responseType: 'text',
    });
    return { status: res.status, body: typeof res.body === 'string' ? res.body : '', headers: res.headers, error: res.error };
  },
};
