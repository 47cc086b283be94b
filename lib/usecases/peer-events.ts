import type { PeerStreamEvent } from '../edges/peer-stream-records.ts';
import { handleRelayedDelete, relayLocalDelete } from './peer-deletes.ts';
import { handleRelayed, onControl, type PeerNetworkDeps, syncAuthor } from './peer-outbound.ts';

/** One peer-network stream record, as the fanout function handles it. */
export async function onPeerEvent(deps: PeerNetworkDeps, event: PeerStreamEvent): Promise<void> {
  switch (event.kind) {
    case 'wants':
      await syncAuthor(deps, event.author);
      return;
    case 'relay':
      await handleRelayed(deps, event.post);
      return;
    case 'relay-delete':
      await handleRelayedDelete(deps, event.del);
      return;
    case 'gone':
      // Only a local member's own post is ours to tell peers about (remote posts' deletes came from them).
      if (event.nick !== undefined) await relayLocalDelete(deps, event.postId, event.nick, event.at);
      return;
    case 'control':
      await onControl(deps, event.peer, event.action);
      return;
  }
}
