// A control plane that shares nothing with the simulator but the idea: clusters register and get
// a token, beat, poll for work, report it done. Just enough for the protocol registry test.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ToyServer {
  url: string;
  clusters: Map<string, { token: string; beats: number; done: Set<string> }>;
  bundles: Map<string, { namespace: string; createdAt: number }>;
  requests: number;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

export async function startToyServer(tokens = { registration: 'toy-reg', operator: 'toy-op' }): Promise<ToyServer> {
  const clusters: ToyServer['clusters'] = new Map();
  const bundles: ToyServer['bundles'] = new Map();
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    const send = (status: number, json?: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(json === undefined ? '' : JSON.stringify(json));
    };
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const url = new URL(req.url ?? '/', 'http://toy');
    const parts = url.pathname.split('/').filter(Boolean);
    void (async () => {
      const b = await body(req);
      if (parts[0] !== 'toy') return send(404);
      if (parts[1] === 'hello') return token === tokens.operator ? send(200, { toy: true }) : send(401);
      if (parts[1] === 'bundles') {
        if (token !== tokens.operator) return send(401);
        if (req.method === 'POST') {
          bundles.set(`${String(b.namespace)}/${String(b.name)}`, { namespace: String(b.namespace), createdAt: Date.now() });
          return send(201, {});
        }
        const key = `${parts[2]}/${parts[3]}`;
        const inNs = [...clusters.entries()].filter(([k]) => k.startsWith(`${parts[2]}/`));
        return send(200, { desired: inNs.length, ready: inNs.filter(([, c]) => c.done.has(key)).length, failed: 0 });
      }
      if (parts[1] !== 'clusters') return send(404);
      if (parts.length === 2) {
        if (req.method === 'POST') {
          if (token !== tokens.registration) return send(401);
          const key = `${String(b.namespace)}/${String(b.name)}`;
          const c = clusters.get(key) ?? { token: `t-${key}`, beats: 0, done: new Set<string>() };
          clusters.set(key, c);
          return send(201, { token: c.token });
        }
        return token === tokens.operator ? send(200, { items: [...clusters.keys()] }) : send(401);
      }
      const key = `${parts[2]}/${parts[3]}`;
      const c = clusters.get(key);
      if (!c) return send(404);
      if (parts.length === 4) {
        if (token === tokens.registration && req.method === 'GET') return send(200, { token: c.token });
        return token === tokens.operator ? send(200, { name: parts[3] }) : send(401);
      }
      if (token !== c.token) return send(401);
      if (parts[4] === 'beat') {
        c.beats++;
        return send(200, {});
      }
      if (parts[4] === 'events') return send(204);
      if (parts[4] === 'work' && parts.length === 5) {
        const items = [...bundles.entries()].filter(([, v]) => v.namespace === parts[2]).map(([k, v]) => ({ bundle: k.split('/')[1], createdAt: v.createdAt }));
        return send(200, { revision: bundles.size, items });
      }
      if (parts[4] === 'work') {
        c.done.add(`${parts[2]}/${parts[5]}`);
        return send(200, {});
      }
      return send(404);
    })().catch(() => send(500));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    clusters,
    bundles,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
