/**
 * (a) Fanout cost per echo: posts go through the real ingest (a signed Twilio webhook into the
 * http app), the real fanout handler (fed the post's stream record) and the real deliver
 * handler (fed SQS batches the way the event source mapping receives and deletes them), against
 * DynamoDB Local and fauxqs, with SMS to a loopback SNS. Every AWS call is counted by kind.
 */
import { type AttributeValue, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { SNSClient } from '@aws-sdk/client-sns';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { DynamoJobClaims } from '../lib/adapters/dynamodb/dynamo-job-claims.ts';
import { DynamoStats } from '../lib/adapters/dynamodb/dynamo-stats.ts';
import { DynamoStore } from '../lib/adapters/dynamodb/dynamo-store.ts';
import { ensureTable } from '../lib/adapters/dynamodb/ensure-table.ts';
import { key, memberToItem } from '../lib/adapters/dynamodb/schema.ts';
import { notConfigured } from '../lib/adapters/not-configured-sender.ts';
import { SqsJobQueue } from '../lib/adapters/sqs-queue.ts';
import { newId } from '../lib/domain/ids.ts';
import type { Member } from '../lib/domain/types.ts';
import { createDeliverHandler } from '../lib/drivers/deliver-queue.ts';
import { createFanoutHandler } from '../lib/drivers/fanout-stream.ts';
import { createHttpApp } from '../lib/drivers/http-app.ts';
import { LOCAL_AWS } from '../local/dynamodb-local.ts';
import { localContext } from '../local/lambda-context.ts';
import { toSqsRecord } from '../local/queue-poller.ts';
import { toLambdaRecord } from '../local/stream-event.ts';
import { startFakeSns } from '../test/fakes/fake-sns.ts';
import { TOKEN, twilioEvent } from '../test/fakes/function-url-event.ts';
import { SnsSmsSender } from '../test/support/sns-carrier-sender.ts';
import { AwsCallCounter, type CallCounts } from './support/aws-counter.ts';

export interface AwsEnv {
  dynamoEndpoint: string;
  sqs: SQSClient;
  queueUrl: string;
}

export interface PhaseFigures {
  counts: CallCounts;
  /** Wall time inside the handler(s), for Lambda GB-s. */
  handlerMs: number;
  invocations: number;
}

export interface PipelineRun {
  members: number;
  posts: number;
  recipientsPerPost: number;
  echoes: number;
  smsPublished: number;
  jobs: number;
  /** Member pages the fanout read (one Query each). */
  memberPages: number;
  ingest: PhaseFigures;
  fanout: PhaseFigures;
  deliver: PhaseFigures;
}

/** The store the handlers use, counting member pages (the reads that scale with recipients). */
class PageCountingStore extends DynamoStore {
  pages = 0;
  override listMembers(cursor?: string) {
    this.pages++;
    return super.listMembers(cursor);
  }
}

const phone = (i: number) => `+1555${String(i).padStart(7, '0')}`;

async function seed(doc: DynamoDBDocumentClient, table: string, store: DynamoStore, count: number) {
  const joinedAt = new Date().toISOString();
  const members: Member[] = Array.from({ length: count }, (_, i) => ({
    id: `m${String(i).padStart(6, '0')}`,
    nick: `m${i}`,
    channels: [`sms:${phone(i)}`],
    optedOut: [],
    joinedAt,
  }));
  // Authors join properly (nick and channel items, so their webhooks find them); the rest are written directly.
  const authors = members.slice(0, Math.min(count, 11));
  for (const m of authors) {
    const r = await store.commit({ key: `seed:${m.id}`, at: joinedAt }, [
      { kind: 'createMember', member: m },
    ]);
    if (!r.ok) throw new Error(`seed: ${r.reason}`);
  }
  const rest = members.slice(authors.length);
  const writes: Array<Promise<unknown>> = [];
  for (let i = 0; i < rest.length; i += 25) {
    const items = rest.slice(i, i + 25).map((m) => ({
      PutRequest: { Item: { ...key.member(m.id), ...memberToItem(m) } },
    }));
    writes.push(doc.send(new BatchWriteCommand({ RequestItems: { [table]: items } })));
    if (writes.length >= 16) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  return authors;
}

const timed = async <T>(phase: PhaseFigures, run: () => Promise<T>): Promise<T> => {
  const start = performance.now();
  try {
    return await run();
  } finally {
    phase.handlerMs += performance.now() - start;
    phase.invocations++;
  }
};

/**
 * `posts` posts by rotating authors to `members` members (each post reaches members - 1), all
 * ingested first, fanned out in stream batches of up to 100 records, delivered in SQS batches of 10.
 */
export async function runPipeline(
  env: AwsEnv,
  options: { members: number; posts: number },
): Promise<PipelineRun> {
  const config = { ...LOCAL_AWS, endpoint: env.dynamoEndpoint };
  const plain = new DynamoDBClient(config);
  const table = `bench-${newId().slice(0, 12).toLowerCase()}`;
  await ensureTable(plain, table);
  const seedDoc = documentClient(config);
  const authors = await seed(seedDoc, table, new DynamoStore(seedDoc, table), options.members);

  const counter = new AwsCallCounter();
  const raw = new DynamoDBClient(config);
  const doc = documentClient(config);
  counter.attach(raw);
  counter.attach(doc);
  counter.attach(env.sqs);
  const sns = new SNSClient({ ...LOCAL_AWS, endpoint: (await fakeSns()).endpoint });
  counter.attach(sns);
  const store = new PageCountingStore(doc, table);
  const queue = new SqsJobQueue(env.sqs, env.queueUrl);
  const log = () => undefined;
  await env.sqs.send(new PurgeQueueCommand({ QueueUrl: env.queueUrl }));
  counter.take();

  // Ingest: one signed webhook per post.
  const ingest: PhaseFigures = { counts: {}, handlerMs: 0, invocations: 0 };
  const http = createHttpApp({
    // No per-member rate limit: a cost run posts up to 10 times per author (set, not inherited).
    ingest: { store, now: () => new Date(), newId, postRateLimit: 0 },
    twilioAuthToken: async () => TOKEN,
    log,
  });
  for (let i = 0; i < options.posts; i++) {
    const author = authors[i % authors.length];
    if (!author) throw new Error('no author');
    const res = await timed(ingest, () =>
      http(
        twilioEvent({ From: phone(Number(author.id.slice(1))), Body: `bench post ${i}` }),
        localContext('http'),
      ),
    );
    if (res.statusCode !== 200) throw new Error(`ingest answered ${res.statusCode}: ${res.body}`);
  }
  ingest.counts = counter.take();

  store.pages = 0;
  // Fanout: the posts' stream records (built from the items, as the stream's NEW_IMAGE carries them).
  const fanout: PhaseFigures = { counts: {}, handlerMs: 0, invocations: 0 };
  const records = await postRecords(plain, table);
  if (records.length !== options.posts) throw new Error(`${records.length} posts in the table`);
  const fanoutHandler = createFanoutHandler({ store, queue, log });
  for (let i = 0; i < records.length; i += 100) {
    const res = await timed(fanout, () =>
      fanoutHandler({ Records: records.slice(i, i + 100) }, localContext('echobot-fanout')),
    );
    if (res.batchItemFailures.length > 0) throw new Error('fanout failed records');
  }
  fanout.counts = counter.take();

  // Deliver: receive ten, invoke, delete the successes, until the queue is empty.
  const deliver: PhaseFigures = { counts: {}, handlerMs: 0, invocations: 0 };
  const deliverHandler = createDeliverHandler({
    store,
    queue,
    senders: {
      sms: new SnsSmsSender(sns),
      telegram: notConfigured('telegram'),
      im: notConfigured('im'),
      email: notConfigured('email'),
    },
    claims: new DynamoJobClaims(doc, table),
    log,
    echoCounter: new DynamoStats(doc, table),
  });
  let jobs = 0;
  for (;;) {
    const out = await env.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: env.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) {
      if (await queueEmpty(env)) break;
      continue;
    }
    const event = { Records: messages.map((m) => toSqsRecord(m, env.queueUrl)) };
    const res = await timed(deliver, () => deliverHandler(event, localContext('echobot-deliver')));
    const failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
    const done = event.Records.filter((r) => !failed.has(r.messageId));
    jobs += done.length;
    if (done.length > 0)
      await env.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: env.queueUrl,
          Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
        }),
      );
  }
  deliver.counts = counter.take();
  const published = (await fakeSns()).published.splice(0);
  raw.destroy();
  doc.destroy();
  plain.destroy();
  seedDoc.destroy();
  sns.destroy();
  return {
    members: options.members,
    posts: options.posts,
    recipientsPerPost: options.members - 1,
    echoes: published.length,
    smsPublished: deliver.counts['SNS.Publish']?.calls ?? 0,
    jobs,
    memberPages: store.pages,
    ingest,
    fanout,
    deliver,
  };
}

async function queueEmpty(env: AwsEnv): Promise<boolean> {
  const { Attributes: a = {} } = await env.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: env.queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return (
    Number(a.ApproximateNumberOfMessages ?? 0) +
      Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(a.ApproximateNumberOfMessagesDelayed ?? 0) ===
    0
  );
}

/** The stream records of the table's posts, as Lambda would hand them over (NEW_IMAGE). */
async function postRecords(plain: DynamoDBClient, table: string) {
  const records = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await plain.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'begins_with(pk, :p)',
        ExpressionAttributeValues: { ':p': { S: 'POST#' } },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of out.Items ?? []) {
      const record: _Record = {
        eventID: item.pk?.S ?? '',
        eventName: 'INSERT',
        dynamodb: { NewImage: item, Keys: { pk: item.pk ?? { S: '' }, sk: item.sk ?? { S: '' } } },
      };
      records.push(toLambdaRecord(record, 'arn:aws:dynamodb:us-east-1:000000000000:table/bench/stream/x'));
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return records;
}

let fake: Awaited<ReturnType<typeof startFakeSns>> | undefined;
async function fakeSns() {
  if (!fake) fake = await startFakeSns();
  return fake;
}
export async function stopFakeSns() {
  await fake?.stop();
  fake = undefined;
}
