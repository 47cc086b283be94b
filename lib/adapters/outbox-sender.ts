import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';
import { splitChannel } from '../domain/channel.ts';
import type { OutboundMessage } from '../domain/types.ts';
import type { Sender } from '../ports/sender.ts';

export const outboxLine = z.object({
  channel: z.string(),
  to: z.string(),
  text: z.string(),
  kind: z.enum(['echo', 'reply']),
  postId: z.string().optional(),
  at: z.string(),
});
export type OutboxLine = z.infer<typeof outboxLine>;

/**
 * The local stand-in for carriers and IM providers: every outbound message is one JSON line in
 * an append-only file. Appends of one short line are atomic on local filesystems.
 */
export class OutboxSender implements Sender {
  constructor(private readonly file: string) {}

  async send(message: OutboundMessage): Promise<void> {
    const { kind, address } = splitChannel(message.channel);
    const line: OutboxLine = {
      channel: kind,
      to: address,
      text: message.text,
      kind: message.kind,
      ...(message.postId ? { postId: message.postId } : {}),
      at: new Date().toISOString(),
    };
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(line)}\n`);
  }
}

export async function readOutbox(file: string): Promise<OutboxLine[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => outboxLine.parse(JSON.parse(l)));
}
