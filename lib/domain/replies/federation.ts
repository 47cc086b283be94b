/** SMS answers to the commands that reach other servers. */
export const FEDERATION_REPLIES = {
  following: (handle: string) =>
    `Following ${handle}. Their public posts will reach you here. UNFOLLOW ${handle} to stop.`,
  alreadyFollowing: (handle: string) => `You already follow ${handle}.`,
  unfollowed: (handle: string) => `You no longer follow ${handle}.`,
  notFollowing: (handle: string) => `You don't follow ${handle}.`,
  directSent: (handle: string) => `Sent to ${handle}.`,
  /** Told once when a remote account answers a member's FOLLOW with a Reject. */
  followDeclined: (handle: string) => `${handle} declined your follow`,
  notFederating: () => 'This bot does not talk to other servers yet (its operator has not set its key).',
} as const;
