import type { BotMode } from './member-commands.ts';
import type { Member } from './types.ts';

/** The relation sets the social look-ups read (see `Relations` in the store port). */
export interface RelationSets {
  follow: ReadonlySet<string>;
  unfollow: ReadonlySet<string>;
  block: ReadonlySet<string>;
}

/**
 * FOLLOWERS of `me`: the members who get my posts when they are on. Echo mode: every other member
 * except those who unfollowed me (`mutedBy`) or blocked me. Follow mode: those who FOLLOW me and
 * did not block me. Pausing (`OFF`, `OFF <nick>`) keeps a follower a follower.
 */
export function followersOf(
  me: string,
  members: readonly Member[],
  mode: BotMode,
  mutedBy: ReadonlySet<string>,
  ofMe: RelationSets,
): Member[] {
  return members.filter(
    (m) =>
      m.id !== me &&
      !ofMe.block.has(m.id) &&
      (mode === 'echo' ? !mutedBy.has(m.id) && !ofMe.unfollow.has(m.id) : ofMe.follow.has(m.id)),
  );
}

/**
 * FOLLOWING for `me`: the members whose posts I get. Echo mode: every other member except those I
 * unfollowed or blocked. Follow mode: those I FOLLOW and did not block.
 */
export function followingOf(
  me: string,
  members: readonly Member[],
  mode: BotMode,
  byMe: RelationSets,
): Member[] {
  return members.filter(
    (m) =>
      m.id !== me &&
      !byMe.block.has(m.id) &&
      (mode === 'echo' ? !byMe.unfollow.has(m.id) : byMe.follow.has(m.id)),
  );
}

export const sortedNicks = (members: readonly Member[]) => members.map((m) => m.nick).sort();
