import { createHash, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { UnauthorizedError } from '../domain/errors.ts';
import { header } from './http-request.ts';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Checks `Authorization: Bearer <token>` in constant time (both sides hashed first, so neither the
 * content nor the length leaks). An unset or empty expected token refuses everyone.
 */
export function requireBearer(event: APIGatewayProxyEventV2, expected: string | undefined): void {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(header(event, 'authorization') ?? '')?.[1];
  const ok = !!expected && given !== undefined && timingSafeEqual(digest(given), digest(expected));
  if (!ok) throw new UnauthorizedError('a valid operator token is required (Authorization: Bearer ...)');
}
