// Hand-written routing over a table of RouteSpecs: templates are split into segments once, and a
// request is matched segment by segment. A path that matches with another method is a 405.
import type { RouteSpec } from './context';

interface CompiledPath {
  readonly segments: readonly (string | null)[]; // null = parameter
  readonly byMethod: Map<string, RouteSpec>;
}

export type Match =
  | { kind: 'route'; route: RouteSpec; params: string[] }
  | { kind: 'method'; allow: string[] }
  | { kind: 'none' };

export class Router {
  private readonly paths: CompiledPath[] = [];

  constructor(routes: readonly RouteSpec[]) {
    const byTemplate = new Map<string, CompiledPath>();
    for (const r of routes) {
      let p = byTemplate.get(r.path);
      if (p === undefined) {
        const segments = r.path
          .split('/')
          .slice(1)
          .map((s) => (s.startsWith('{') ? null : s));
        p = { segments, byMethod: new Map() };
        byTemplate.set(r.path, p);
        this.paths.push(p);
      }
      if (p.byMethod.has(r.method)) throw new Error(`duplicate route ${r.method} ${r.path}`);
      p.byMethod.set(r.method, r);
    }
  }

  match(method: string, pathname: string): Match {
    const parts = pathname.split('/');
    // parts[0] is '' (leading slash); a trailing slash yields an empty last part, which never matches.
    for (const p of this.paths) {
      if (p.segments.length !== parts.length - 1) continue;
      let ok = true;
      for (let i = 0; i < p.segments.length; i++) {
        const want = p.segments[i];
        const got = parts[i + 1] as string;
        if (want === null ? got === '' : want !== got) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      const route = p.byMethod.get(method);
      if (route === undefined) return { kind: 'method', allow: [...p.byMethod.keys()] };
      const params: string[] = [];
      for (let i = 0; i < p.segments.length; i++) if (p.segments[i] === null) params.push(parts[i + 1] as string);
      return { kind: 'route', route, params };
    }
    return { kind: 'none' };
  }
}
