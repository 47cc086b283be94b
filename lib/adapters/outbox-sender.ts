import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod/mini';
import { splitChannel } from '../domain/channel.ts';
import type { OutboundMessage } from '../domain/types.ts';
import '../domain/zod-messages.ts';
import type { Sender } from '../ports/sender.ts';

export const outboxLine = z.object({
  channel: z.string(),
  to: z.string(),
  text: z.string(),
  kind: z.enum(['echo', 'reply']),
  postId: z.optional(z.string()),
  at: z.string(),
  /** The SMS provider it went through (aws, twilio) and that provider's message id; absent = outbox only. */
  provider: z.optional(z.string()),
  messageId: z.optional(z.string()),
  /** Its delivery state as the provider's receipts said (sent until one came). */
  state: z.optional(z.enum(['sent', 'delivered', 'failed'])),
  errorCode: z.optional(z.string()),
});
export type OutboxLine = z.infer<typeof outboxLine>;

const stateLine = z.object({
  messageId: z.string(),
  state: z.enum(['delivered', 'failed']),
  errorCode: z.optional(z.string()),
});

/** Delivery states live beside the outbox (`outbox-states.jsonl`): the outbox itself stays append-only lines of messages. */
export function outboxStatesFile(outboxFile: string): string {
  return outboxFile.replace(/(\.jsonl)?$/, '-states.jsonl');
}

/** Appends a final delivery state for a message the outbox holds (merged by readOutbox). */
export async function recordOutboxState(
  outboxFile: string,
  state: { messageId: string; state: 'delivered' | 'failed'; errorCode?: string },
): Promise<void> {
  const file = outboxStatesFile(outboxFile);
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, `${JSON.stringify(stateLine.parse(state))}\n`);
}

/**
 * The local stand-in for carriers and IM providers: every outbound message is one JSON line in
 * an append-only file. Appends of one short line are atomic on local filesystems.
 */
export class OutboxSender implements Sender {
  constructor(private readonly file: string) {}

  async send(message: OutboundMessage): Promise<void> {
    await this.append(message);
  }

  /** The copy of an SMS a provider accepted: with the provider and its message id, state `sent`. */
  async sendVia(message: OutboundMessage, sent: { provider: string; messageId: string }): Promise<void> {
    await this.append(message, {
      provider: sent.provider,
      ...(sent.messageId ? { messageId: sent.messageId } : {}),
      state: 'sent',
    });
  }

  private async append(message: OutboundMessage, extra: Partial<OutboxLine> = {}): Promise<void> {
    const { kind, address } = splitChannel(message.channel);
    const line: OutboxLine = {
      channel: kind,
      to: address,
      text: message.text,
      kind: message.kind,
      ...(message.postId ? { postId: message.postId } : {}),
      at: new Date().toISOString(),
      ...extra,
    };
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(line)}\n`);
  }
}

async function lines(file: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l): unknown => JSON.parse(l));
}

/** Every message in the outbox, each SMS a provider sent with its latest delivery state. */
export async function readOutbox(file: string): Promise<OutboxLine[]> {
  const states = new Map<string, z.infer<typeof stateLine>>();
  for (const raw of await lines(outboxStatesFile(file))) {
    const s = stateLine.safeParse(raw);
    if (s.success) states.set(s.data.messageId, s.data);
  }
  return (await lines(file)).map((raw) => {
    const line = outboxLine.parse(raw);
    const known = line.messageId ? states.get(line.messageId) : undefined;
    return known
      ? { ...line, state: known.state, ...(known.errorCode ? { errorCode: known.errorCode } : {}) }
      : line;
  });
}
