import * as z from 'zod';
import { BadRequestError } from '../domain/errors.ts';
import type { FederationTask } from '../domain/federation-task.ts';
import type { Channel, DeliveryJob } from '../domain/types.ts';

const channel = z.custom<Channel>(
  (v) => typeof v === 'string' && /^[a-z]+:.+/.test(v),
  'channel must be kind:address',
);

const url = z
  .string()
  .max(2048)
  .refine((v) => URL.canParse(v), 'not a URL');
const handle = z.string().min(3).max(320);
/** A federation task (lib/domain/federation-task.ts) as carried in a queue message. */
export const FederationTaskSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('deliver'),
    id: z.string().min(1),
    inbox: url,
    activity: z.string().max(200_000),
    actor: url,
    postId: url.optional(),
  }),
  z.object({ type: z.enum(['follow', 'unfollow']), id: z.string().min(1), nick: z.string().min(1), handle }),
  z.object({
    type: z.literal('direct'),
    id: z.string().min(1),
    nick: z.string().min(1),
    handle,
    text: z.string(),
    noteId: url,
  }),
  z.object({
    type: z.literal('deletePost'),
    id: z.string().min(1),
    postId: url,
    memberId: z.string().min(1),
    nick: z.string().min(1),
  }),
  z.object({
    type: z.literal('remoteNote'),
    id: z.string().min(1),
    noteId: url,
    handle,
    text: z.string(),
    memberIds: z.array(z.string()).optional(),
    relayed: z.literal(true).optional(),
  }),
  z.object({
    type: z.literal('relayAnnounce'),
    id: z.string().min(1),
    noteId: url,
    from: z.string().min(1),
    published: z.string(),
  }),
]);

const federationJob = z.object({
  id: z.string().min(1),
  postId: z.string().min(1),
  text: z.string(),
  recipients: z.array(z.never()).max(0),
  attempt: z.number().int().min(0),
  kind: z.literal('federation'),
  federation: FederationTaskSchema,
});

const job = z.object({
  id: z.string().min(1),
  postId: z.string().min(1),
  text: z.string(),
  // A reply may go to a stranger (no member id); echoes always name their member.
  recipients: z.array(z.object({ memberId: z.string(), channel })),
  attempt: z.number().int().min(0),
  epoch: z.number().int().min(0).optional(),
  kind: z.enum(['echo', 'reply', 'peer']).optional(),
  peer: z.object({ url: z.string().url(), body: z.string().min(2) }).optional(),
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
