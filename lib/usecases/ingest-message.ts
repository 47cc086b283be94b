import { type Command, parseCommand } from '../domain/commands.ts';
import { REPLIES } from '../domain/format.ts';
import { charCount, cleanText, MAX_POST_CHARS } from '../domain/text.ts';
import type { Channel, Member } from '../domain/types.ts';
import type { Mutation, Store } from '../ports/store.ts';

/** One message as every provider edge hands it over. */
export interface InboundMessage {
  /** `twilio`, `telegram`, ... : with `messageId` it makes the de-duplication key. */
  provider: string;
  messageId: string;
  channel: Channel;
  text: string;
}

export interface IngestDeps {
  store: Store;
  /** The bot's public base URL; post ids are URLs under it. */
  baseUrl: string;
  now: () => Date;
  newId: () => string;
}

export interface IngestResult {
  /** What to answer the sender, if anything. */
  reply?: string;
  duplicate: boolean;
  postId?: string;
}

interface Decision {
  reply?: string;
  mutations: Mutation[];
  postId?: string;
}

/**
 * Applies one inbound message: a command acts, anything else from a member is a post. The
 * message's changes and its de-duplication record commit together, so a webhook retried five
 * times is one post and one reply. Fanout happens later, off the table's stream.
 */
export async function ingestMessage(deps: IngestDeps, msg: InboundMessage): Promise<IngestResult> {
  const key = `${msg.provider}:${msg.messageId}`;
  const prior = await deps.store.getInbound(key);
  if (prior) return { ...replyOf(prior.reply), duplicate: true };

  const state = await deps.store.channelState(msg.channel);
  const member = state?.memberId ? await deps.store.memberById(state.memberId) : undefined;
  const optedOut = state?.optedOut ?? false;
  const command = parseCommand(cleanText(msg.text));
  const decision = await decide(deps, msg.channel, command, member, optedOut);
  // An opted-out channel hears nothing but the answers carriers require (START, HELP).
  const silenced = optedOut && command.kind !== 'start' && command.kind !== 'help';
  const reply = silenced ? undefined : decision.reply;

  const at = deps.now().toISOString();
  const result = await deps.store.commit({ key, at, ...replyOf(reply) }, decision.mutations);
  if (result.ok)
    return { ...replyOf(reply), duplicate: false, ...(decision.postId ? { postId: decision.postId } : {}) };
  if (result.reason === 'duplicate') {
    const raced = await deps.store.getInbound(key);
    return { ...replyOf(raced?.reply), duplicate: true };
  }
  // A JOIN lost a race for a nick or a channel: record the refusal so a retry answers the same.
  const refusal =
    result.reason === 'nick-taken' && command.kind === 'join'
      ? REPLIES.nickTaken(command.nick)
      : REPLIES.channelTaken();
  const again = await deps.store.commit({ key, at, reply: refusal }, []);
  if (!again.ok) return { ...replyOf((await deps.store.getInbound(key))?.reply), duplicate: true };
  return { reply: refusal, duplicate: false };
}

function replyOf(reply: string | undefined): { reply?: string } {
  return reply === undefined ? {} : { reply };
}

async function decide(
  deps: IngestDeps,
  channel: Channel,
  command: Command,
  member: Member | undefined,
  optedOut: boolean,
): Promise<Decision> {
  switch (command.kind) {
    case 'help':
      return { reply: REPLIES.help(), mutations: [] };
    case 'usage':
      return { reply: REPLIES.usage(command.usage), mutations: [] };
    case 'stop':
      // One confirmation; a second STOP is silent (the channel is already opted out).
      if (optedOut) return { mutations: [] };
      return {
        reply: REPLIES.stopped(),
        mutations: [{ kind: 'setOptOut', channel, optedOut: true, ...memberIdOf(member) }],
      };
    case 'start':
      return {
        reply: member ? REPLIES.started() : REPLIES.startedStranger(),
        mutations: optedOut ? [{ kind: 'setOptOut', channel, optedOut: false, ...memberIdOf(member) }] : [],
      };
    case 'join': {
      if (member) return { reply: REPLIES.alreadyMember(member.nick), mutations: [] };
      const taken = await deps.store.memberByNick(command.nick);
      if (taken) return { reply: REPLIES.nickTaken(command.nick), mutations: [] };
      const newMember: Member = {
        id: deps.newId(),
        nick: command.nick,
        channels: [channel],
        optedOut: optedOut ? [channel] : [],
        joinedAt: deps.now().toISOString(),
      };
      return {
        reply: REPLIES.welcome(command.nick),
        mutations: [{ kind: 'createMember', member: newMember }],
      };
    }
    case 'follow':
    case 'unfollow': {
      if (!member) return { reply: REPLIES.notMember(), mutations: [] };
      const author = await deps.store.memberByNick(command.nick);
      if (!author) return { reply: REPLIES.unknownNick(command.nick), mutations: [] };
      if (author.id === member.id) return { reply: REPLIES.self(), mutations: [] };
      const muted = (await deps.store.mutedBy(author.id)).has(member.id);
      const wantMuted = command.kind === 'unfollow';
      if (muted === wantMuted) {
        return {
          reply: wantMuted ? REPLIES.notFollowing(author.nick) : REPLIES.alreadyFollowing(author.nick),
          mutations: [],
        };
      }
      return {
        reply: wantMuted ? REPLIES.unfollowed(author.nick) : REPLIES.followed(author.nick),
        mutations: [{ kind: 'setMuted', authorId: author.id, memberId: member.id, muted: wantMuted }],
      };
    }
    case 'post': {
      if (!member) return { reply: REPLIES.notMember(), mutations: [] };
      if (command.text === '') return { reply: REPLIES.empty(), mutations: [] };
      const chars = charCount(command.text);
      if (chars > MAX_POST_CHARS) return { reply: REPLIES.tooLong(chars), mutations: [] };
      const id = `${deps.baseUrl.replace(/\/$/, '')}/posts/${deps.newId()}`;
      const post = {
        id,
        authorId: member.id,
        authorNick: member.nick,
        text: command.text,
        createdAt: deps.now().toISOString(),
      };
      return { mutations: [{ kind: 'putPost', post }], postId: id };
    }
  }
}

function memberIdOf(member: Member | undefined): { memberId?: string } {
  return member ? { memberId: member.id } : {};
}
