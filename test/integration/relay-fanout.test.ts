import { describe, expect, it } from 'vitest';
import { DynamoRelayStore } from '../../lib/adapters/dynamodb/dynamo-relay-store.ts';
import type { DeliveryJob } from '../../lib/domain/types.ts';
import type { JobQueue } from '../../lib/ports/queue.ts';
import { announceToSubscribers } from '../../lib/usecases/federation/relay-fanout.ts';
import { freshTable } from '../support/aws-local.ts';

const at = new Date('2026-12-01T10:00:00.000Z');

function memoryQueue(): JobQueue & { jobs: DeliveryJob[] } {
  const jobs: DeliveryJob[] = [];
  return { jobs, enqueue: async (j) => void jobs.push(...j), retryLater: async () => undefined };
}

async function relayWith(hosts: string[]) {
  const { doc, table } = await freshTable();
  const relay = new DynamoRelayStore(doc, table);
  for (const host of hosts)
    await relay.subscribe(
      `https://${host}/follows/1`,
      at,
      { actorId: `https://${host}/actor`, inbox: `https://${host}/inbox`, host, since: at.toISOString() },
      { type: 'deliver', id: `accept-${host}`, inbox: `https://${host}/inbox`, activity: '{}', actor: 'x' },
    );
  return relay;
}

describe('announcing to relay subscribers', () => {
  it('a post relayed by a peer goes to every other subscriber once, as an Announce by the bot actor', async () => {
    const relay = await relayWith(['peer.example', 'origin.example', 'm1.example', 'm2.example']);
    const queue = memoryQueue();
    const deps = { relay, queue, baseUrl: 'https://relay.example/' };
    const post = {
      id: 'https://origin.example/posts/1',
      createdAt: at.toISOString(),
      from: 'https://peer.example',
    };
    expect(await announceToSubscribers(deps, post)).toBe(2);
    // The same post handed over again (a re-run fanout): the same job ids, which the deliver side runs once.
    await announceToSubscribers(deps, post);
    const ids = queue.jobs.map((j) => j.id);
    expect(new Set(ids)).toEqual(
      new Set([
        'fed:relay:https://origin.example/posts/1|https://m1.example/inbox',
        'fed:relay:https://origin.example/posts/1|https://m2.example/inbox',
      ]),
    );
    const task = queue.jobs[0]?.federation;
    if (task?.type !== 'deliver') throw new Error('not a deliver job');
    expect(task.actor).toBe('https://relay.example/actor');
    expect(JSON.parse(task.activity)).toMatchObject({
      type: 'Announce',
      actor: 'https://relay.example/actor',
      object: 'https://origin.example/posts/1',
      to: ['https://www.w3.org/ns/activitystreams#Public'],
    });
  });

  it('announces nothing without subscribers', async () => {
    const relay = await relayWith([]);
    const queue = memoryQueue();
    expect(
      await announceToSubscribers(
        { relay, queue, baseUrl: 'https://relay.example' },
        { id: 'https://relay.example/posts/1', createdAt: at.toISOString() },
      ),
    ).toBe(0);
    expect(queue.jobs).toEqual([]);
  });
});
