import { BadRequestError } from '../domain/errors.ts';

/** A JSON body as `unknown`, for a zod schema to validate; malformed JSON is a 400. */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError('body is not valid JSON');
  }
}
