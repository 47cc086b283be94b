/**
 * Remote echoes cost: the hook for federation. When peers deliver on this branch, this posts to
 * a bot with followers on several loopback peer servers and counts inbox POSTs per peer server
 * (target: 1 per peer server per post, never one per remote follower). Until then it reports
 * `null`, and the bench says "not measured".
 */
export interface RemoteEchoFigures {
  peerServers: number;
  remoteFollowers: number;
  posts: number;
  postsPerPeerServer: number;
}

export async function measureRemoteEchoes(): Promise<RemoteEchoFigures | null> {
  return null;
}
