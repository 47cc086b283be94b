import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoFederationStore } from '../../lib/adapters/dynamodb/dynamo-federation-store.ts';
import { notConfigured } from '../../lib/adapters/not-configured-sender.ts';
import type { DeliveryJob, Member } from '../../lib/domain/types.ts';
import { generateBotKeyPair } from '../../lib/federation/bot-keys.ts';
import { verifyRequest } from '../../lib/federation/http-signatures.ts';
import { createSafeFetch } from '../../lib/federation/safe-fetch.ts';
import type { JobQueue } from '../../lib/ports/queue.ts';
import { remoteDirect } from '../../lib/usecases/commands/remote-direct.ts';
import { remoteFollow } from '../../lib/usecases/commands/remote-follow.ts';
import { deliverJob } from '../../lib/usecases/deliver-job.ts';
import {
  fanoutFederationTask,
  fanoutToRemoteFollowers,
} from '../../lib/usecases/federation/fanout-federation.ts';
import { runFederationTask, type TaskRunnerDeps } from '../../lib/usecases/federation/run-task.ts';
import { retryDelaySeconds } from '../../lib/usecases/retry-delay.ts';
import { type FakeFediverse, startFakeFediverse } from '../fakes/fake-fediverse.ts';
import { freshTable } from '../support/aws-local.ts';

const BASE = 'https://bot.example';
const senders = {
  sms: notConfigured('sms'),
  telegram: notConfigured('telegram'),
  im: notConfigured('im'),
  email: notConfigured('email'),
};
const keys = generateBotKeyPair();
let one: FakeFediverse;
let two: FakeFediverse;
beforeAll(async () => {
  [one, two] = await Promise.all([startFakeFediverse(), startFakeFediverse()]);
});
afterAll(async () => {
  await Promise.all([one?.close(), two?.close()]);
});

function recordingQueue(): JobQueue & { jobs: DeliveryJob[] } {
  const jobs: DeliveryJob[] = [];
  return { jobs, enqueue: async (j) => void jobs.push(...j), retryLater: async () => undefined };
}

async function setup() {
  const t = await freshTable();
  const federation = new DynamoFederationStore(t.doc, t.table);
  const logs: Array<{ event: string; fields: Record<string, unknown> }> = [];
  const runner: TaskRunnerDeps = {
    baseUrl: BASE,
    keys,
    fetch: createSafeFetch({ allowPrivate: true }),
    store: federation,
    allowPrivate: true,
    now: () => new Date(),
    log: (event, fields) => void logs.push({ event, fields }),
    deadHost: { afterFailures: 2, afterMs: 0 },
  };
  const member = async (id: string, nick: string, phone: string): Promise<Member> => {
    const m: Member = {
      id,
      nick,
      channels: [`sms:${phone}`],
      optedOut: [],
      joinedAt: new Date().toISOString(),
    };
    await t.store.commit({ key: `test:${id}`, at: new Date().toISOString() }, [
      { kind: 'createMember', member: m },
    ]);
    return m;
  };
  return { ...t, federation, runner, logs, member };
}

/** Verifies a POST the fake server received was signed with our bot key by `actor`. */
async function verifiedBy(post: FakeFediverse['received'][number]) {
  const headers = Object.fromEntries(Object.entries(post.headers).map(([k, v]) => [k, String(v)]));
  return verifyRequest({
    method: 'POST',
    path: post.path,
    headers,
    body: post.body,
    fetchKey: async (keyId) => ({ publicKeyPem: keys.publicKeyPem, actorId: keyId.replace(/#.*$/, '') }),
  });
}

describe('outgoing ActivityPub deliveries', () => {
  it('delivers a local post once per remote server (shared inbox), not once per follower', async () => {
    const s = await setup();
    const alice = await s.member('m-alice', 'alice', '+15550001111');
    for (const nick of ['carol', 'dave', 'erin'])
      await s.federation.applyInbound(`${one.base}/f/${nick}`, new Date(), [
        {
          kind: 'addFollower',
          memberId: alice.id,
          follower: {
            actorId: one.actor(nick),
            inbox: `${one.actor(nick)}/inbox`,
            sharedInbox: `${one.base}/inbox`,
          },
        },
      ]);
    await s.federation.applyInbound(`${two.base}/f/frank`, new Date(), [
      {
        kind: 'addFollower',
        memberId: alice.id,
        follower: { actorId: two.actor('frank'), inbox: `${two.actor('frank')}/inbox` },
      },
    ]);
    const queue = recordingQueue();
    const post = {
      id: `${BASE}/posts/p1`,
      authorId: alice.id,
      authorNick: 'alice',
      text: 'hi all',
      createdAt: new Date().toISOString(),
    };
    expect(await fanoutToRemoteFollowers({ store: s.store, queue, federation: s.federation }, post)).toBe(2);
    expect(queue.jobs.map((j) => j.federation?.type === 'deliver' && j.federation.inbox).sort()).toEqual(
      [`${one.base}/inbox`, `${two.actor('frank')}/inbox`].sort(),
    );
    // The jobs go through the ordinary deliver path: signed POSTs a Mastodon-style verifier accepts.
    const before = one.received.length;
    for (const job of queue.jobs)
      expect(
        (
          await deliverJob(
            {
              store: s.store,
              senders,
              queue,
              log: () => undefined,
              federation: { run: (t) => runFederationTask(s.runner, t) },
            },
            job,
          )
        ).sent,
      ).toBe(1);
    const got = one.received.slice(before);
    expect(got).toHaveLength(1);
    const first = got[0];
    if (!first) throw new Error('nothing delivered');
    expect(await verifiedBy(first)).toEqual({
      keyId: `${BASE}/users/alice#main-key`,
      actorId: `${BASE}/users/alice`,
    });
    expect(JSON.parse(got[0]?.body ?? '')).toMatchObject({
      type: 'Create',
      actor: `${BASE}/users/alice`,
      object: {
        id: post.id,
        type: 'Note',
        content: '<p>hi all</p>',
        to: ['https://www.w3.org/ns/activitystreams#Public'],
      },
    });
  });

  it('FOLLOW resolves the handle by WebFinger and sends Follow; UNFOLLOW sends Undo(Follow)', async () => {
    const s = await setup();
    const before = one.received.length;
    const handle = `carol@${one.host}`;
    expect(await runFederationTask(s.runner, { type: 'follow', id: 't1', nick: 'bob', handle })).toBe('sent');
    expect(await runFederationTask(s.runner, { type: 'unfollow', id: 't2', nick: 'bob', handle })).toBe(
      'sent',
    );
    const [follow, undo] = one.received.slice(before).map((r) => JSON.parse(r.body));
    expect(follow).toMatchObject({ type: 'Follow', actor: `${BASE}/users/bob`, object: one.actor('carol') });
    expect(undo).toMatchObject({
      type: 'Undo',
      actor: `${BASE}/users/bob`,
      object: { type: 'Follow', object: one.actor('carol') },
    });
    expect(await s.federation.actorByHandle(handle)).toMatchObject({
      id: one.actor('carol'),
      inbox: `${one.actor('carol')}/inbox`,
    });
  });

  it('a direct message is a Create(Note) addressed only to that actor', async () => {
    const s = await setup();
    const alice = await s.member('m-alice', 'alice', '+15550001111');
    const decision = await remoteDirect(
      {
        deps: {
          store: s.store,
          baseUrl: BASE,
          now: () => new Date(),
          newId: () => 'dm1',
          federation: s.federation,
        },
        channel: 'sms:+15550001111',
        member: alice,
        optedOut: false,
      },
      `carol@${one.host}`,
      'psst',
    );
    expect(decision.reply).toBe(`Sent to carol@${one.host}.`);
    const task = decision.mutations[0]?.kind === 'putFederationTask' ? decision.mutations[0].task : undefined;
    expect(task).toMatchObject({ type: 'direct', nick: 'alice', text: 'psst' });
    const before = one.received.length;
    expect(task && (await runFederationTask(s.runner, task))).toBe('sent');
    const sent = JSON.parse(one.received[before]?.body ?? '');
    expect(sent).toMatchObject({
      type: 'Create',
      to: [one.actor('carol')],
      object: { type: 'Note', to: [one.actor('carol')], cc: [] },
    });
    expect(JSON.stringify(sent)).not.toContain('#Public');
  });

  it('without federation configured, remote FOLLOW and D say so and change nothing', async () => {
    const s = await setup();
    const alice = await s.member('m-alice', 'alice', '+15550001111');
    const ctx = {
      deps: { store: s.store, baseUrl: BASE, now: () => new Date(), newId: () => 'x' },
      channel: 'sms:+15550001111' as const,
      member: alice,
      optedOut: false,
    };
    for (const d of [
      await remoteDirect(ctx, `carol@${one.host}`, 'hi'),
      await remoteFollow(ctx, `carol@${one.host}`, true),
    ]) {
      expect(d.mutations).toEqual([]);
      expect(d.reply).toMatch(/does not talk to other servers/);
    }
  });

  it('a non-member’s direct message is refused with the join hint, nothing queued', async () => {
    const s = await setup();
    const d = await remoteDirect(
      {
        deps: { store: s.store, baseUrl: BASE, now: () => new Date(), newId: () => 'x' },
        channel: 'sms:+1555',
        member: undefined,
        optedOut: false,
      },
      `carol@${one.host}`,
      'hi',
    );
    expect(d.mutations).toEqual([]);
    expect(d.reply).toMatch(/JOIN/);
  });

  it('remote notes become echoes `carol@host: text`, direct ones `D carol@host: text` to the addressee only', async () => {
    const s = await setup();
    const bob = await s.member('m-bob', 'bob', '+15550002222');
    await s.member('m-eve', 'eve', '+15550005555');
    const handle = `carol@${one.host}`;
    await s.store.commit({ key: 'test:f', at: new Date().toISOString() }, [
      { kind: 'setRemoteFollow', handle, memberId: bob.id, following: true },
    ]);
    const queue = recordingQueue();
    const deps = { store: s.store, queue, federation: s.federation };
    await fanoutFederationTask(deps, {
      type: 'remoteNote',
      id: 'n1',
      noteId: `${one.base}/notes/1`,
      handle,
      text: 'hello',
    });
    await fanoutFederationTask(deps, {
      type: 'remoteNote',
      id: 'n2',
      noteId: `${one.base}/notes/2`,
      handle,
      text: 'psst',
      memberIds: ['m-eve'],
    });
    expect(queue.jobs.map((j) => [j.text, j.recipients.map((r) => r.channel)])).toEqual([
      [`${handle}: hello`, ['sms:+15550002222']],
      [`D ${handle}: psst`, ['sms:+15550005555']],
    ]);
  });
});

describe('retry schedule and dead hosts', () => {
  it('retries with the echo backoff: 30 s doubling to 15 min', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelaySeconds(n))).toEqual([
      30, 60, 120, 240, 480, 900, 900, 900,
    ]);
  });

  it('a failing server makes the job throw (the queue retries); after the threshold the host is dead and skipped; an inbound request revives it', async () => {
    const s = await setup();
    const task = {
      type: 'deliver' as const,
      id: 'd1',
      inbox: `${two.base}/inbox`,
      activity: '{"type":"Create"}',
      actor: `${BASE}/users/alice`,
    };
    two.inboxStatus = 503;
    try {
      await expect(runFederationTask(s.runner, task)).rejects.toThrow(/503/);
      await expect(runFederationTask(s.runner, task)).rejects.toThrow(/503/);
      expect((await s.federation.hostHealth(two.host)).deadSince).toBeDefined();
      const before = two.received.length;
      expect(await runFederationTask(s.runner, task)).toBe('skipped-dead-host');
      expect(two.received.length).toBe(before);
      expect(s.logs.map((l) => l.event)).toContain('host declared dead');
      // A verified request from that server (the inbox calls this) brings it back.
      await s.federation.reviveHost(two.host);
      two.inboxStatus = 202;
      expect(await runFederationTask(s.runner, task)).toBe('sent');
      expect(await s.federation.hostHealth(two.host)).toEqual({ host: two.host, failures: 0 });
    } finally {
      two.inboxStatus = 202;
    }
  });

  it('a permanent refusal (4xx) completes the job without retrying', async () => {
    const s = await setup();
    one.inboxStatus = 410;
    try {
      expect(
        await runFederationTask(s.runner, {
          type: 'deliver',
          id: 'd2',
          inbox: `${one.base}/inbox`,
          activity: '{}',
          actor: `${BASE}/users/a`,
        }),
      ).toBe('refused');
    } finally {
      one.inboxStatus = 202;
    }
  });

  it('refuses to deliver to private addresses unless allowed', async () => {
    const s = await setup();
    const guarded = { ...s.runner, fetch: createSafeFetch({ allowPrivate: false }), allowPrivate: false };
    await expect(
      runFederationTask(guarded, {
        type: 'deliver',
        id: 'd3',
        inbox: 'http://169.254.169.254/inbox',
        activity: '{}',
        actor: `${BASE}/users/a`,
      }),
    ).rejects.toThrow(/private|loopback|link-local/);
  });
});
