/** Sends one peer message (JSON text) to a peer bot, signed. Throws PermanentSendError when the peer refuses it for good. */
export interface PeerSender {
  send(peerUrl: string, body: string): Promise<void>;
}
