/** The peer network's answers: PEER/PEERS (operators) and FOLLOW nick@host through peers. */
export const PEER_REPLIES = {
  notAdmin: () => 'Only the bot’s operators can change its peers.',
  noPeers: () => 'This bot has no peer network.',
  added: (url: string) =>
    `Peered with ${url}. Interest and posts flow once it lists this bot too (a super-peer accepts any bot).`,
  already: (url: string) => `${url} is already a peer.`,
  removed: (url: string) => `${url} is no longer a peer.`,
  unknown: (url: string) => `${url} is not a peer.`,
  self: () => 'That is this bot.',
  refused: (reason: string) => `That peer URL was refused: ${reason}`,
  list: (lines: string[]) =>
    lines.length === 0
      ? 'No peers yet. PEER ADD <url> adds one.'
      : `Peers (${lines.length}): ${lines.join('; ')}`,
} as const;

export const REMOTE_FOLLOW_REPLIES = {
  followed: (handle: string) => `You will get ${handle}'s posts.`,
  already: (handle: string) => `You already get ${handle}'s posts.`,
  unfollowed: (handle: string) => `You will no longer get ${handle}'s posts.`,
  notFollowing: (handle: string) => `You already don't get ${handle}'s posts.`,
  local: (nick: string) => `${nick} is a member here: FOLLOW ${nick}.`,
  unreachable: (handle: string) =>
    `No peer of this bot knows where ${handle} lives yet. Try again in a minute, or ask the operator to add a peer.`,
} as const;
