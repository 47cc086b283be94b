import { describe, expect, inject, it } from 'vitest';
import { measurePeerRelay, measureRemoteEchoes } from '../../bench/remote-echoes.ts';

// The bench's remote-echo figures on a small case, so `npm run bench` cannot rot unnoticed.
describe('the bench’s remote echoes', () => {
  it('one signed POST per shared-inbox server per post, one per follower inbox without one', async () => {
    const r = await measureRemoteEchoes(inject('dynamoEndpoint'), {
      servers: [
        { followers: 150, shared: true },
        { followers: 3, shared: false },
      ],
      localPosts: 2,
    });
    expect(r.servers.map((s) => [s.followers, s.posts])).toEqual([
      [150, 2],
      [3, 6],
    ]);
    expect(r.postsPerPeerServer).toBe(1);
    expect(r.posts).toBe(8);
  });

  it('a relayed post: one POST per interested peer, none to the others', async () => {
    const r = await measurePeerRelay(inject('dynamoEndpoint'), {
      interestedPeers: 3,
      otherPeers: 1,
      localPosts: 2,
    });
    expect(r).toMatchObject({ postsPerPost: 3, postsToOthers: 0 });
  });
});
