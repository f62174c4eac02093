/**
 * Method + path routing with `:param` segments. Routes are compiled once at start-up;
 * matching walks the segments with no regular expressions. A path written exactly as a
 * route without parameters (`/orders`) keeps its answer for each method: the hot routes
 * are found without splitting the path or walking the table, about 1 µs per HTTP order
 * (bench/README.md, "Tenth pass").
 */
import { RouteHandler } from './http_types.js';

interface Route {
  readonly method: string;
  readonly pattern: string;
  readonly segments: readonly (string | null)[];
  readonly handler: RouteHandler;
}

export type RouteFound = { readonly kind: 'found'; readonly handler: RouteHandler; readonly params: readonly string[] };
/** No route takes the request: the path is unknown, or known under other methods (`allowed`). */
export type RouteMiss =
  | { readonly kind: 'method_not_allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'not_found' };
export type RouteMatch = RouteFound | RouteMiss;

export class Router {
  private readonly routes: Route[] = [];
  /**
   * Walked answers by path, then method, for paths equal to a pattern without parameters.
   * Only found routes are kept: the first route registered for a method and path wins, so
   * a route added later cannot change them (it can change a 405 or a 404).
   */
  private readonly static_answers = new Map<string, Map<string, RouteMatch>>();

  add(method: string, pattern: string, handler: RouteHandler): this {
    const segments = splitPath(pattern).map((s) => (s.startsWith(':') ? null : s));
    this.routes.push({ method: method.toUpperCase(), pattern, segments, handler });
    if (!segments.includes(null) && !this.static_answers.has(pattern)) this.static_answers.set(pattern, new Map());
    return this;
  }

  /** Every registered route as method and pattern (`/orders/:order_id`), in registration order. */
  list(): { readonly method: string; readonly pattern: string }[] {
    return this.routes.map(({ method, pattern }) => ({ method, pattern }));
  }

  match(method: string, path: string): RouteMatch {
    const by_method = this.static_answers.get(path);
    if (by_method === undefined) return this.walk(method, path);
    let answer = by_method.get(method);
    if (answer === undefined) {
      // Any method string can arrive: keep answers for the registered methods only.
      answer = this.walk(method, path);
      if (answer.kind === 'found') by_method.set(method, answer);
    }
    return answer;
  }

  private walk(method: string, path: string): RouteMatch {
    const parts = splitPath(path);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (params === null) continue;
      if (route.method === method) return { kind: 'found', handler: route.handler, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'method_not_allowed', allowed } : { kind: 'not_found' };
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function matchSegments(segments: readonly (string | null)[], parts: readonly string[]): string[] | null {
  if (segments.length !== parts.length) return null;
  const params: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment === null) params.push(decodeURIComponentSafe(parts[i]));
    else if (segment !== parts[i]) return null;
  }
  return params;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
