import type { Member } from '../../lib/domain/types.ts';
import type { Store } from '../../lib/ports/store.ts';

export const phone = (i: number) => `+1555${String(i).padStart(7, '0')}`;

/** Joins `count` members named m0, m1, ... with phones from `phone(i)`. */
export async function seedMembers(store: Store, count: number, from = 0): Promise<Member[]> {
  const members: Member[] = [];
  for (let i = from; i < from + count; i++) {
    const m: Member = {
      id: `id${i}`,
      nick: `m${i}`,
      channels: [`sms:${phone(i)}`],
      optedOut: [],
      joinedAt: new Date().toISOString(),
    };
    const r = await store.commit({ key: `seed:${i}`, at: m.joinedAt }, [{ kind: 'createMember', member: m }]);
    if (!r.ok) throw new Error(`seed failed: ${r.reason}`);
    members.push(m);
  }
  return members;
}
