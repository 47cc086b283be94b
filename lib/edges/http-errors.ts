import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  BadRequestError,
  EchobotError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnavailableError,
  UnsupportedMediaTypeError,
} from '../domain/errors.ts';
import { SignatureError } from '../federation/http-signatures.ts';

/** The one place typed errors become HTTP statuses. Anything unknown is a 500 without details. */
export function statusOf(err: unknown): number {
  if (err instanceof BadRequestError) return 400;
  if (err instanceof UnauthorizedError) return 401;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof NotFoundError) return 404;
  if (err instanceof MethodNotAllowedError) return 405;
  if (err instanceof PayloadTooLargeError) return 413;
  if (err instanceof UnsupportedMediaTypeError) return 415;
  if (err instanceof UnavailableError) return 503;
  // A key that could not be fetched asks the sender to retry; every other signature fault is a 401.
  if (err instanceof SignatureError) return err.reason === 'key_fetch_failed' ? 503 : 401;
  return 500;
}

export function errorResponse(err: unknown): APIGatewayProxyStructuredResultV2 {
  const statusCode = statusOf(err);
  const shown = (statusCode < 500 || statusCode === 503) && err instanceof EchobotError;
  const error = !shown
    ? 'internal error'
    : err instanceof SignatureError
      ? `signature: ${err.reason}: ${err.message}`
      : err.message;
  const retryAfter = err instanceof UnavailableError ? err.retryAfterSeconds : undefined;
  return {
    statusCode,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...(statusCode === 401 ? { 'www-authenticate': 'Bearer realm="echobot"' } : {}),
      ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}),
    },
    body: JSON.stringify({ error }),
  };
}
