import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MethodNotAllowedError, NotFoundError } from '../domain/errors.ts';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type RouteHandler = (event: HttpEvent, params: Record<string, string>) => Promise<HttpResult>;

/** One route: a method and a path pattern whose `:name` segments become params (`/users/:nick/inbox`). */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handler: RouteHandler;
}

interface Compiled extends Route {
  regex: RegExp;
  names: string[];
}

function compile(route: Route): Compiled {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((seg) => {
      const m = seg.match(/^(.*?):([a-zA-Z]+)$/);
      if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(m[2] ?? '');
      return `${(m[1] ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^/]+)`;
    })
    .join('/');
  return { ...route, regex: new RegExp(`^${source}$`), names };
}

/**
 * A small path router: 404 for an unknown path, 405 for a known path with another method,
 * HEAD served by GET. Small enough not to need a library, and it keeps the one handler.
 */
export function createRouter(routes: readonly Route[]) {
  const compiled = routes.map(compile);
  return async (event: HttpEvent): Promise<HttpResult> => {
    const path = event.rawPath;
    const method = event.requestContext.http.method.toUpperCase();
    const matches = compiled
      .map((r) => ({ r, m: r.regex.exec(path) }))
      .filter((x): x is { r: Compiled; m: RegExpExecArray } => x.m !== null);
    if (matches.length === 0) throw new NotFoundError(`no route for ${path}`);
    const wanted = method === 'HEAD' ? 'GET' : method;
    const hit = matches.find((x) => x.r.method === wanted);
    if (!hit) throw new MethodNotAllowedError(`${method} is not allowed on ${path}`);
    const params: Record<string, string> = {};
    hit.r.names.forEach((name, i) => {
      params[name] = decodeURIComponent(hit.m[i + 1] ?? '');
    });
    return hit.r.handler(event, params);
  };
}
