/**
 * A small method + path router: patterns like `/servers/{id}/actions/{action}`,
 * where `{x}` matches one path segment (URL-decoded).
 */
import type { Store } from './state';

export interface ApiRequest {
  readonly method: string;
  /** Path below /v1, e.g. `/servers/100001`. */
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Parsed JSON body; {} when there is none. */
  readonly body: any;
  readonly store: Store;
}

export interface ApiResponse {
  readonly status: number;
  /** JSON body; omitted for 204. */
  readonly body?: unknown;
}

export type Handler = (req: ApiRequest) => ApiResponse;

interface Route {
  readonly method: string;
  readonly pattern: string;
  readonly segments: readonly string[];
  readonly handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, pattern, segments: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  get(pattern: string, h: Handler): this {
    return this.add('GET', pattern, h);
  }
  post(pattern: string, h: Handler): this {
    return this.add('POST', pattern, h);
  }
  put(pattern: string, h: Handler): this {
    return this.add('PUT', pattern, h);
  }
  delete(pattern: string, h: Handler): this {
    return this.add('DELETE', pattern, h);
  }

  /** The matching route, preferring literal segments over `{params}` (so `/servers/actions` beats `/servers/{id}`). */
  match(method: string, path: string): { handler: Handler; params: Record<string, string>; pattern: string } | undefined {
    const parts = path.split('/').filter(Boolean);
    let best: { route: Route; params: Record<string, string>; score: number } | undefined;
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let score = 0;
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = route.segments[i];
        if (seg.startsWith('{') && seg.endsWith('}')) {
          try {
            params[seg.slice(1, -1)] = decodeURIComponent(parts[i]);
          } catch {
            ok = false;
            break;
          }
        } else if (seg === parts[i]) {
          score++;
        } else {
          ok = false;
          break;
        }
      }
      if (ok && (!best || score > best.score)) best = { route, params, score };
    }
    return best && { handler: best.route.handler, params: best.params, pattern: best.route.pattern };
  }

  /** Every registered `METHOD /pattern`, for the report of what is implemented. */
  list(): string[] {
    return this.routes.map((r) => `${r.method} ${r.pattern}`);
  }
}
