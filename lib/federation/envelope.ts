/**
 * The echobot multi-hop envelope, carried inside an ActivityPub activity between echobots as an
 * extension property. Plain fediverse servers ignore it; echobots use it for loop safety
 * (postId de-duplication, the path travelled) and a hop limit.
 *
 * Wire form: `"echobot:envelope": { postId, author, origin, hops, maxHops, path }` with this
 * JSON-LD context entry added to the activity's `@context`:
 *
 *   { "echobot": "urn:echobot:ns#",
 *     "echobot:envelope": { "@id": "echobot:envelope", "@type": "@json" } }
 *
 * Namespace choice: `urn:echobot:ns#`. Every bot has its own domain and there is no central
 * echobot domain we can promise will exist forever, so an `https://` namespace would either
 * differ per bot (the same term expanding to different IRIs) or point at a domain nobody owns.
 * A URN is location-independent, stable, never dereferenced (so JSON-LD processors do not try
 * to fetch it), and identical in every deployment. `@type: @json` keeps the envelope an opaque
 * JSON literal under expansion, so a processor that expands the activity keeps it intact.
 *
 * Hop accounting: a new envelope has hops 0 and an empty path. Every bot that sends it (the
 * origin included) first calls `nextHop`, which appends itself and counts one hop, so in transit
 * `hops === path.length` and `path[0] === origin`. `nextHop` refuses once `hops === maxHops`.
 */

import * as z from 'zod/mini';
import { BotUrlSchema, HandleSchema, HttpUrlSchema } from '../domain/addresses.ts';
import '../domain/zod-messages.ts';

export const ECHOBOT_NAMESPACE = 'urn:echobot:ns#';
export const ENVELOPE_KEY = 'echobot:envelope';
export const ECHOBOT_CONTEXT = {
  echobot: ECHOBOT_NAMESPACE,
  [ENVELOPE_KEY]: { '@id': ENVELOPE_KEY, '@type': '@json' },
} as const;
export const HOP_LIMIT_CEILING = 16;
/**
 * Posts travel along shortest-path trees (route-table.ts), so the limit is a safety net, not a
 * reach budget: in bench/federation the longest path was 5 hops through super-peers and 8 on a
 * flat 120-bot random mesh of mean degree 4; 10 leaves headroom for larger federations.
 */
export const DEFAULT_MAX_HOPS = 10;

export const EnvelopeSchema = z
  .object({
    postId: HttpUrlSchema,
    author: HandleSchema,
    origin: BotUrlSchema,
    hops: z.int().check(z.gte(0)).check(z.lte(HOP_LIMIT_CEILING)),
    maxHops: z.int().check(z.gte(1)).check(z.lte(HOP_LIMIT_CEILING)),
    path: z.array(BotUrlSchema).check(z.maxLength(HOP_LIMIT_CEILING)),
  })
  .check(
    z.superRefine((e, ctx) => {
      if (e.hops > e.maxHops)
        ctx.addIssue({ code: 'custom', message: 'hops exceeds maxHops', path: ['hops'] });
      if (e.path.length !== e.hops) {
        ctx.addIssue({ code: 'custom', message: 'path length must equal hops', path: ['path'] });
      }
      if (e.path.length > 0 && e.path[0] !== e.origin) {
        ctx.addIssue({ code: 'custom', message: 'path must start at origin', path: ['path'] });
      }
      if (new Set(e.path).size !== e.path.length) {
        ctx.addIssue({ code: 'custom', message: 'path visits a bot twice', path: ['path'] });
      }
    }),
  );

export type Envelope = z.infer<typeof EnvelopeSchema>;

export function createEnvelope(input: {
  postId: string;
  author: string;
  origin: string;
  maxHops?: number;
}): Envelope {
  return EnvelopeSchema.parse({
    postId: input.postId,
    author: input.author,
    origin: input.origin,
    hops: 0,
    maxHops: input.maxHops ?? DEFAULT_MAX_HOPS,
    path: [],
  });
}

/** The envelope as `self` sends it on, or null when the hop limit is reached or self was visited. */
export function nextHop(envelope: Envelope, self: string): Envelope | null {
  if (envelope.hops >= envelope.maxHops || envelope.path.includes(self)) return null;
  return { ...envelope, hops: envelope.hops + 1, path: [...envelope.path, self] };
}

type Context = string | Record<string, unknown> | ReadonlyArray<string | Record<string, unknown>>;

/** A copy of the activity with the envelope and our context entry added. */
export function attachEnvelope<T extends { '@context'?: Context }>(
  activity: T,
  envelope: Envelope,
): T & { '@context': Context; [ENVELOPE_KEY]: Envelope } {
  const existing = activity['@context'];
  const list = existing === undefined ? [] : Array.isArray(existing) ? [...existing] : [existing];
  const hasOurs = list.some((entry) => typeof entry === 'object' && entry !== null && 'echobot' in entry);
  return {
    ...activity,
    '@context': hasOurs ? list : [...list, ECHOBOT_CONTEXT],
    [ENVELOPE_KEY]: envelope,
  };
}

export type ReadEnvelopeResult =
  | { status: 'absent' }
  | { status: 'ok'; envelope: Envelope }
  | { status: 'invalid'; message: string };

/** Reads the envelope of a parsed activity: absent (a plain fediverse post), valid, or invalid. */
export function readEnvelope(activity: unknown): ReadEnvelopeResult {
  if (typeof activity !== 'object' || activity === null || !(ENVELOPE_KEY in activity)) {
    return { status: 'absent' };
  }
  const parsed = EnvelopeSchema.safeParse(Reflect.get(activity, ENVELOPE_KEY));
  if (parsed.success) return { status: 'ok', envelope: parsed.data };
  return { status: 'invalid', message: z.prettifyError(parsed.error) };
}
