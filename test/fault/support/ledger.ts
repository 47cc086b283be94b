/**
 * The total-queue check (after Jepsen's): every expected delivery, keyed by (post, recipient),
 * must appear in the carrier's log exactly once. Member echoes now; a peer-delivery ledger
 * (post, peer inbox) uses the same two functions with peer keys.
 */
export interface LedgerResult {
  expected: number;
  received: number;
  lost: string[];
  duplicated: string[];
  unexpected: string[];
}

export const echoKey = (post: string, recipient: string) => `${post} -> ${recipient}`;

export function checkLedger(expected: Iterable<string>, received: Iterable<string>): LedgerResult {
  const want = new Set(expected);
  const seen = new Map<string, number>();
  let total = 0;
  for (const key of received) {
    seen.set(key, (seen.get(key) ?? 0) + 1);
    total++;
  }
  return {
    expected: want.size,
    received: total,
    lost: [...want].filter((k) => !seen.has(k)),
    duplicated: [...seen].filter(([, n]) => n > 1).map(([k]) => k),
    unexpected: [...seen.keys()].filter((k) => !want.has(k)),
  };
}
