/** What a super-peer keeps for the leaves it serves (lib/adapters/dynamodb/dynamo-leaf-store.ts). */

export interface LeafRecord {
  url: string;
  /** The key the leaf registered with: its signatures verify against this one only. */
  publicKeyPem: string;
  registeredAt: string;
  /** Highest sequence number handed out (0 = nothing held yet). */
  lastSeq: number;
  /** Held items dropped because the leaf's queue was full (the oldest go first). */
  dropped: number;
  lastPoll?: string;
}

export interface HeldItem {
  seq: number;
  body: string;
}

export interface LeafStore {
  getLeaf(url: string): Promise<LeafRecord | undefined>;
  /** Records the leaf and its key (a new key replaces nothing: the caller refuses a changed key). */
  registerLeaf(url: string, publicKeyPem: string, at: Date): Promise<void>;
  /** Holds one peer message for the leaf, under its next sequence number; over the bound the oldest go. */
  hold(url: string, body: string, at: Date): Promise<void>;
  /** Held items after `cursor`, oldest first. */
  heldAfter(url: string, cursor: number, limit: number): Promise<HeldItem[]>;
  /** The leaf has everything up to `cursor`: deletes those items. */
  ack(url: string, cursor: number, at: Date): Promise<void>;
  listLeaves(): Promise<LeafRecord[]>;
  /** How many items wait for the leaf now (at most the bound). */
  heldCount(url: string): Promise<number>;
}
