import middy, { type MiddlewareObj } from '@middy/core';
import { wantsActivityJson } from '../edges/activity-negotiation.ts';
import { errorResponse, statusOf } from '../edges/http-errors.ts';
import { createRouter, type HttpEvent, type HttpResult, type Route } from '../edges/http-router.ts';
import type { HttpDeps } from './http-deps.ts';
import { activityPubRoutes, signedGetsOnly } from './routes/activitypub-routes.ts';
import { imRoutes } from './routes/im-routes.ts';
import { leafRoutes } from './routes/leaf-routes.ts';
import { pageRoutes } from './routes/page-routes.ts';
import { peerRoutes } from './routes/peer-routes.ts';
import { statusRoutes } from './routes/status-routes.ts';
import { telegramRoutes } from './routes/telegram-routes.ts';
import { twilioRoutes } from './routes/twilio-routes.ts';

export type { HttpEvent, HttpResult } from '../edges/http-router.ts';

/**
 * The http function: routes a Function URL (payload v2) event. Every webhook is validated,
 * authenticated and de-duplicated, then written; nothing fans out here, so providers get a
 * fast answer. `extraRoutes` lets a runtime add its own (the local node's dev routes).
 */
export function createHttpApp(deps: HttpDeps, extraRoutes: readonly Route[] = []) {
  // Authorized fetch covers posts as objects too: `/posts/<id>` as JSON needs a signed GET.
  const federation = deps.federation;
  const pages = (deps.pages ? pageRoutes(deps.pages, deps.publicUrl) : []).map((r) =>
    federation && r.method === 'GET' && r.path === '/posts/:id'
      ? { ...r, handler: signedGetsOnly(federation, deps.publicUrl, r.handler, wantsActivityJson) }
      : r,
  );
  const route = createRouter([
    ...pages,
    ...(deps.status ? statusRoutes(deps.status, deps.publicUrl) : []),
    ...(deps.federation ? activityPubRoutes(deps.federation, deps.publicUrl) : []),
    {
      method: 'GET',
      path: '/',
      handler: async () => text(200, 'echobot is running. Text JOIN <nick> to the bot’s number to join.\n'),
    },
    ...twilioRoutes(deps),
    ...telegramRoutes(deps),
    ...imRoutes(deps),
    ...(deps.peers ? peerRoutes(deps.peers) : []),
    ...(deps.leaves ? leafRoutes(deps.leaves) : []),
    ...extraRoutes,
  ]);

  const mapErrors: MiddlewareObj<HttpEvent, HttpResult> = {
    onError: async (request) => {
      const status = statusOf(request.error);
      if (status >= 500)
        deps.log('error', 'request failed', { path: request.event.rawPath, error: String(request.error) });
      else
        deps.log('warn', 'request refused', {
          path: request.event.rawPath,
          status,
          reason: request.error?.message,
        });
      request.response = errorResponse(request.error);
    },
  };

  return middy<HttpEvent, HttpResult>(route).use(mapErrors);
}

function text(statusCode: number, body: string): HttpResult {
  return { statusCode, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}
