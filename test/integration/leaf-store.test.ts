import { describe, expect, it } from 'vitest';
import { DynamoLeafStore } from '../../lib/adapters/dynamodb/dynamo-leaf-store.ts';
import { freshTable } from '../support/aws-local.ts';

const LEAF = 'http://127.0.0.1:9';
const at = new Date('2026-12-01T00:00:00Z');

describe('the leaves a super-peer holds messages for (DynamoDB Local)', () => {
  it('hands held messages out in order after the cursor, and the cursor deletes what it acknowledges', async () => {
    const { doc, table } = await freshTable();
    const leaves = new DynamoLeafStore(doc, table);
    await leaves.registerLeaf(LEAF, 'KEY', at);
    for (const body of ['a', 'b', 'c']) await leaves.hold(LEAF, body, at);
    expect(await leaves.heldAfter(LEAF, 0, 100)).toEqual([
      { seq: 1, body: 'a' },
      { seq: 2, body: 'b' },
      { seq: 3, body: 'c' },
    ]);
    await leaves.ack(LEAF, 2, at);
    expect(await leaves.heldAfter(LEAF, 0, 100)).toEqual([{ seq: 3, body: 'c' }]);
    expect(await leaves.getLeaf(LEAF)).toMatchObject({ lastSeq: 3, dropped: 0, lastPoll: at.toISOString() });
  });

  it('keeps at most the bound per leaf: the oldest go first and are counted', async () => {
    const { doc, table } = await freshTable();
    const leaves = new DynamoLeafStore(doc, table, 2);
    await leaves.registerLeaf(LEAF, 'KEY', at);
    for (const body of ['a', 'b', 'c', 'd']) await leaves.hold(LEAF, body, at);
    expect((await leaves.heldAfter(LEAF, 0, 100)).map((i) => i.body)).toEqual(['c', 'd']);
    expect(await leaves.getLeaf(LEAF)).toMatchObject({ lastSeq: 4, dropped: 2 });
    expect(await leaves.heldCount(LEAF)).toBe(2);
    await leaves.ack(LEAF, 3, at);
    expect(await leaves.heldCount(LEAF)).toBe(1);
  });

  it('a second registration keeps the first key', async () => {
    const { doc, table } = await freshTable();
    const leaves = new DynamoLeafStore(doc, table);
    await leaves.registerLeaf(LEAF, 'FIRST', at);
    await leaves.registerLeaf(LEAF, 'SECOND', at);
    expect((await leaves.getLeaf(LEAF))?.publicKeyPem).toBe('FIRST');
    expect((await leaves.listLeaves()).map((l) => l.url)).toEqual([LEAF]);
  });
});
