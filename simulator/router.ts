// Hand-written routing over a table of RouteSpecs: templates are compiled once into a tree of
// path segments (a few literals, one parameter branch), and a request walks it segment by
// segment, comparing literals in place: no split(), no regex, no hashing of substrings, and only
// the parameters are sliced out. A path that matches with another method is a 405.
import type { RouteSpec } from './context';

interface Node {
  /** A handful per level, compared in place (cheaper than hashing a fresh substring for a Map). */
  readonly literals: { seg: string; node: Node }[];
  param: Node | null;
  /** Set where a template ends. */
  end: { byMethod: Map<string, RouteSpec>; allow: string; order: number } | null;
}

export type Match =
  | { kind: 'route'; route: RouteSpec; params: string[] }
  /** `allow`: the Allow header, the template's methods in table order. */
  | { kind: 'method'; allow: string }
  | { kind: 'none' };

const NONE: Match = Object.freeze({ kind: 'none' });

function node(): Node {
  return { literals: [], param: null, end: null };
}

export class Router {
  private readonly root = node();

  constructor(routes: readonly RouteSpec[]) {
    let templates = 0;
    for (const r of routes) {
      let n = this.root;
      for (const seg of r.path.split('/').slice(1)) {
        if (seg.startsWith('{')) n = n.param ??= node();
        else {
          let next = n.literals.find((l) => l.seg === seg)?.node;
          if (next === undefined) n.literals.push({ seg, node: (next = node()) });
          n = next;
        }
      }
      n.end ??= { byMethod: new Map(), allow: '', order: templates++ };
      if (n.end.byMethod.has(r.method)) throw new Error(`duplicate route ${r.method} ${r.path}`);
      n.end.byMethod.set(r.method, r);
      n.end.allow = [...n.end.byMethod.keys()].join(', ');
    }
  }

  match(method: string, pathname: string): Match {
    // A path starts with '/'; anything else (`*`, an absolute URL) is no route.
    if (pathname.charCodeAt(0) !== 47) return NONE;
    const params: string[] = [];
    const end = this.walk(this.root, pathname, 1, params);
    if (end === null) return NONE;
    const route = end.byMethod.get(method);
    return route === undefined ? { kind: 'method', allow: end.allow } : { kind: 'route', route, params };
  }

  /**
   * The template end that `pathname` from `pos` reaches under `n`, its parameters pushed onto
   * `params`. A literal is tried before the parameter branch, and the first template of the table
   * wins where both reach one; a parameter never matches an empty segment (`//`, a trailing `/`).
   */
  private walk(n: Node, pathname: string, pos: number, params: string[]): Node['end'] {
    let slash = pathname.indexOf('/', pos);
    if (slash < 0) slash = pathname.length;
    const len = slash - pos;
    const last = slash === pathname.length;
    const before = params.length;
    let lit: Node | undefined;
    for (const l of n.literals) {
      if (l.seg.length === len && pathname.startsWith(l.seg, pos)) {
        lit = l.node;
        break;
      }
    }
    let found: Node['end'] = null;
    if (lit !== undefined) found = last ? lit.end : this.walk(lit, pathname, slash + 1, params);
    if (n.param === null || len === 0) return found;
    // Both branches can reach a template only if the table has a literal and a parameter at one
    // level (it has none today): then the literal's parameters are set aside while the other is tried.
    const litParams = found === null ? null : params.splice(before);
    params.push(pathname.slice(pos, slash));
    const viaParam = last ? n.param.end : this.walk(n.param, pathname, slash + 1, params);
    if (viaParam !== null && (found === null || viaParam.order < found.order)) return viaParam;
    params.length = before;
    if (litParams !== null) params.push(...litParams);
    return found;
  }
}
