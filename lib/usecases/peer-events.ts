import type { PeerStreamEvent } from '../edges/peer-stream-records.ts';
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
    case 'control':
      await onControl(deps, event.peer, event.action);
      return;
  }
}
