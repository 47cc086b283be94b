import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MethodNotAllowedError, NotFoundError } from '../domain/errors.ts';
import { errorResponse, statusOf } from '../edges/http-errors.ts';
import { bodyText, header, publicUrlOf, requireContentType } from '../edges/http-request.ts';
import { parseTwilioSms, twiml, verifyTwilioSignature } from '../edges/twilio.ts';
import { type IngestDeps, ingestMessage } from './ingest-message.ts';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;
type Route = (event: HttpEvent) => Promise<HttpResult>;

export interface HttpDeps {
  /** Ingest dependencies; the base URL comes from `publicUrl` or the request. */
  ingest: Omit<IngestDeps, 'baseUrl'>;
  /** Resolved per request but cached by the caller (SSM deployed, an env var locally). */
  twilioAuthToken: () => Promise<string>;
  /** Public base URL that providers call; undefined means "the host the request came to". */
  publicUrl?: string;
  log: (level: 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown>) => void;
}

/**
 * Routes a Function URL (payload v2) event. Every webhook is validated, authenticated and
 * de-duplicated, then written; nothing fans out here, so providers get a fast answer.
 */
export function createHttpApp(deps: HttpDeps) {
  const routes: Record<string, Record<string, Route>> = {
    '/': {
      GET: async () => text(200, 'echobot is running. Text JOIN <nick> to the bot’s number to join.\n'),
    },
    '/webhooks/twilio': {
      POST: async (event) => {
        requireContentType(event, 'application/x-www-form-urlencoded');
        const params = new URLSearchParams(bodyText(event));
        const url = publicUrlOf(event, deps.publicUrl);
        verifyTwilioSignature(await deps.twilioAuthToken(), url, params, header(event, 'x-twilio-signature'));
        const message = parseTwilioSms(params);
        const baseUrl =
          deps.publicUrl ??
          url.slice(
            0,
            url.length - event.rawPath.length - (event.rawQueryString ? event.rawQueryString.length + 1 : 0),
          );
        const result = await ingestMessage({ ...deps.ingest, baseUrl }, message);
        deps.log('info', 'twilio message', {
          messageId: message.messageId,
          duplicate: result.duplicate,
          post: !!result.postId,
        });
        return {
          statusCode: 200,
          headers: { 'content-type': 'text/xml; charset=utf-8' },
          body: twiml(result.reply),
        };
      },
    },
  };

  const route: Route = async (event) => {
    const byMethod = routes[event.rawPath];
    if (!byMethod) throw new NotFoundError(`no route for ${event.rawPath}`);
    const method = event.requestContext.http.method.toUpperCase();
    const handler = byMethod[method] ?? (method === 'HEAD' ? byMethod.GET : undefined);
    if (!handler) throw new MethodNotAllowedError(`${method} is not allowed on ${event.rawPath}`);
    return handler(event);
  };

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
