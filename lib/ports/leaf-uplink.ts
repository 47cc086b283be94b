/** A leaf's connection to one super-peer: every request goes out from the leaf (lib/adapters/leaf-uplink-client.ts). */
export interface LeafUplink {
  /** Registers this leaf (its key and its own route) with the super-peer. */
  register(upstream: string): Promise<void>;
  /** Long-polls the held items after `cursor` (which acknowledges everything up to it). */
  poll(
    upstream: string,
    cursor: number,
    waitSeconds: number,
    signal: AbortSignal,
  ): Promise<{ items: { seq: number; body: string }[]; last: number }>;
}

/** Thrown by the uplink when the super-peer does not know this leaf (401): register again. */
export class LeafNotRegisteredError extends Error {}
