import type { Channel, Member } from '../../domain/types.ts';
import type { Mutation } from '../../ports/store.ts';
import type { IngestDeps } from '../ingest-deps.ts';

/** Who sent a command, on which channel, and what the bot knows about them. */
export interface CommandContext {
  deps: IngestDeps;
  channel: Channel;
  member: Member | undefined;
  optedOut: boolean;
}

/** What a command does: a reply and the changes to commit with the message's de-duplication record. */
export interface Decision {
  reply?: string;
  mutations: Mutation[];
  postId?: string;
}

export const reply = (text: string, mutations: Mutation[] = []): Decision => ({ reply: text, mutations });

export function memberIdOf(member: Member | undefined): { memberId?: string } {
  return member ? { memberId: member.id } : {};
}
