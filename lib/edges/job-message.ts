import * as z from 'zod/mini';
import { BadRequestError } from '../domain/errors.ts';
import type { FederationTask } from '../domain/federation-task.ts';
import type { Channel, DeliveryJob } from '../domain/types.ts';
import '../domain/zod-messages.ts';

const channel = z.custom<Channel>(
  (v) => typeof v === 'string' && /^[a-z]+:.+/.test(v),
  'channel must be kind:address',
);

const url = z
  .string()
  .check(z.maxLength(2048))
  .check(z.refine((v) => URL.canParse(v), 'not a URL'));
const handle = z.string().check(z.minLength(3)).check(z.maxLength(320));
/** A federation task (lib/domain/federation-task.ts) as carried in a queue message. */
export const FederationTaskSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('deliver'),
    id: z.string().check(z.minLength(1)),
    inbox: url,
    activity: z.string().check(z.maxLength(200_000)),
    actor: url,
    postId: z.optional(url),
  }),
  z.object({
    type: z.enum(['follow', 'unfollow']),
    id: z.string().check(z.minLength(1)),
    nick: z.string().check(z.minLength(1)),
    handle,
  }),
  z.object({
    type: z.literal('direct'),
    id: z.string().check(z.minLength(1)),
    nick: z.string().check(z.minLength(1)),
    handle,
    text: z.string(),
    noteId: url,
  }),
  z.object({
    type: z.literal('deletePost'),
    id: z.string().check(z.minLength(1)),
    postId: url,
    memberId: z.string().check(z.minLength(1)),
    nick: z.string().check(z.minLength(1)),
  }),
  z.object({
    type: z.literal('remoteNote'),
    id: z.string().check(z.minLength(1)),
    noteId: url,
    handle,
    text: z.string(),
    memberIds: z.optional(z.array(z.string())),
    relayed: z.optional(z.literal(true)),
  }),
  z.object({
    type: z.literal('relayAnnounce'),
    id: z.string().check(z.minLength(1)),
    noteId: url,
    from: z.string().check(z.minLength(1)),
    published: z.string(),
  }),
]);

const federationJob = z.object({
  id: z.string().check(z.minLength(1)),
  postId: z.string().check(z.minLength(1)),
  text: z.string(),
  recipients: z.array(z.never()).check(z.maxLength(0)),
  attempt: z.int().check(z.gte(0)),
  kind: z.literal('federation'),
  federation: FederationTaskSchema,
});

const job = z.object({
  id: z.string().check(z.minLength(1)),
  postId: z.string().check(z.minLength(1)),
  text: z.string(),
  // A reply may go to a stranger (no member id); echoes always name their member.
  recipients: z.array(z.object({ memberId: z.string(), channel })),
  attempt: z.int().check(z.gte(0)),
  epoch: z.optional(z.int().check(z.gte(0))),
  kind: z.optional(z.enum(['echo', 'reply', 'peer'])),
  peer: z.optional(z.object({ url: z.url(), body: z.string().check(z.minLength(2)) })),
});

/**
 * A job -> a queue message body. Characters outside the Basic Multilingual Plane (emoji) are
 * written as JSON `\\u` surrogate escapes: SQS accepts them raw, but the local emulator does not,
 * and ASCII-safe bodies cost a few bytes only where such characters appear. `parseJobMessage`
 * reads either form.
 */
export function serializeJob(job: DeliveryJob): string {
  return JSON.stringify(job).replace(/[\u{10000}-\u{10FFFF}]/gu, (c) =>
    Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(
      '',
    ),
  );
}

/** A queue message body -> a job. A body that is not a job is a poison message: it throws. */
export function parseJobMessage(body: string): DeliveryJob {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new BadRequestError('queue message is not JSON');
  }
  if (typeof value === 'object' && value !== null && 'kind' in value && value.kind === 'federation') {
    const { federation, ...fields } = federationJob.parse(value);
    const task: FederationTask = federation;
    return { ...fields, recipients: [], federation: task };
  }
  const { kind, peer, epoch, ...fields } = job.parse(value);
  const rest = { ...fields, ...(epoch !== undefined ? { epoch } : {}) };
  if (kind === 'peer') {
    if (!peer || rest.recipients.length > 0) throw new Error('a peer job names its peer and no recipients');
    return { ...rest, kind, peer };
  }
  if (rest.recipients.length === 0) throw new Error('a job has at least one recipient');
  if (kind !== 'reply' && rest.recipients.some((r) => r.memberId === ''))
    throw new Error('an echo job names every recipient’s member');
  return { ...rest, ...(kind ? { kind } : {}) };
}
