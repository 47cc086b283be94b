import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import * as z from 'zod';
import { localContext } from './lambda-context.ts';
import { toLambdaRecord } from './stream-event.ts';

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

export interface StreamPollerOptions {
  streams: DynamoDBStreamsClient;
  streamArn: string;
  handler: StreamHandler;
  /** Last processed sequence number per shard, so a restart resumes where it stopped. */
  checkpointFile: string;
  /** The failure destination: records that failed every retry, one JSON line each. */
  failureFile: string;
  /** Tries per record before it goes to the failure destination (the stack uses 10). */
  maxAttempts?: number;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

const checkpointsSchema = z.record(z.string(), z.string());
const BATCH = 100;

/** The event filter the stack puts on the event source mapping: only new posts and queued replies invoke fanout. */
export function isNewPost(record: _Record): boolean {
  const type = record.dynamodb?.NewImage?.type?.S;
  // Peer network: interest changes (insert or modify), relayed posts and deletes, tombstones, control items.
  if (type === 'wants') return record.eventName === 'INSERT' || record.eventName === 'MODIFY';
  return (
    record.eventName === 'INSERT' &&
    (type === 'post' ||
      type === 'reply' ||
      type === 'fedtask' ||
      type === 'relay' ||
      type === 'relaydel' ||
      type === 'gone' ||
      type === 'peerctl')
  );
}

/**
 * Lambda's DynamoDB event source mapping, on one machine: reads each shard in order (parents
 * before children), invokes the handler with filtered batches, retries from the first failed
 * record with backoff, and after `maxAttempts` moves that record to the failure file and goes on,
 * so one poison record never blocks the shard.
 */
export function startStreamPoller(options: StreamPollerOptions) {
  const maxAttempts = options.maxAttempts ?? 5;
  const log = options.log ?? (() => undefined);
  const iterators = new Map<string, string>();
  const closed = new Set<string>();
  let checkpoints: Record<string, string> = {};
  let stopped = false;
  /** When the last pass that found nothing new began: everything written before it is processed. */
  let lastQuietPassStart = 0;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      wake = () => {
        clearTimeout(t);
        r();
      };
    });

  const saveCheckpoints = async () => {
    const tmp = `${options.checkpointFile}.tmp`;
    await writeFile(tmp, JSON.stringify(checkpoints));
    await rename(tmp, options.checkpointFile);
  };

  const iteratorFor = async (shardId: string): Promise<string | undefined> => {
    const known = iterators.get(shardId);
    if (known) return known;
    const after = checkpoints[shardId];
    const out = await options.streams.send(
      new GetShardIteratorCommand({
        StreamArn: options.streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return out.ShardIterator;
  };

  const invoke = async (records: _Record[]): Promise<number | undefined> => {
    const event: DynamoDBStreamEvent = { Records: records.map((r) => toLambdaRecord(r, options.streamArn)) };
    try {
      const res = await options.handler(event, localContext('echobot-fanout'));
      const failedIds = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
      const idx = records.findIndex((r) => failedIds.has(r.dynamodb?.SequenceNumber ?? ''));
      return idx < 0 ? undefined : idx;
    } catch (err) {
      log('fanout invocation failed', { error: String(err) });
      return 0;
    }
  };

  const processRecords = async (records: _Record[]) => {
    const matching = records.filter(isNewPost);
    let start = 0;
    let attempts = 0;
    while (start < matching.length && !stopped) {
      const batch = matching.slice(start, start + BATCH);
      const failedAt = await invoke(batch);
      if (failedAt === undefined) {
        start += batch.length;
        attempts = 0;
        continue;
      }
      attempts++;
      const failed = batch[failedAt];
      if (attempts >= maxAttempts && failed) {
        await appendFile(
          options.failureFile,
          `${JSON.stringify({ at: new Date().toISOString(), record: failed })}\n`,
        );
        log('record sent to failure destination', { sequenceNumber: failed.dynamodb?.SequenceNumber });
        start += failedAt + 1;
        attempts = 0;
      } else {
        start += failedAt;
        await sleep(Math.min(5_000, 200 * 2 ** attempts));
      }
    }
    return !stopped;
  };

  const pollShard = async (shard: Shard): Promise<number> => {
    const shardId = shard.ShardId;
    if (!shardId || closed.has(shardId)) return 0;
    const iterator = await iteratorFor(shardId);
    if (!iterator) {
      closed.add(shardId);
      return 0;
    }
    const out = await options.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    const records = out.Records ?? [];
    if (records.length > 0) {
      const completed = await processRecords(records);
      if (!completed) return 0;
      const last = records[records.length - 1]?.dynamodb?.SequenceNumber;
      if (last) checkpoints[shardId] = last;
      await saveCheckpoints();
    }
    if (out.NextShardIterator) iterators.set(shardId, out.NextShardIterator);
    else {
      iterators.delete(shardId);
      closed.add(shardId);
    }
    return records.length;
  };

  const loop = async () => {
    try {
      checkpoints = checkpointsSchema.parse(JSON.parse(await readFile(options.checkpointFile, 'utf8')));
    } catch {
      checkpoints = {};
    }
    let shards: Shard[] = [];
    let listedAt = 0;
    while (!stopped) {
      try {
        if (Date.now() - listedAt > 5_000 || shards.every((s) => closed.has(s.ShardId ?? ''))) {
          const d = await options.streams.send(new DescribeStreamCommand({ StreamArn: options.streamArn }));
          shards = d.StreamDescription?.Shards ?? [];
          listedAt = Date.now();
        }
        const ids = new Set(shards.map((s) => s.ShardId));
        const passStart = Date.now();
        let got = 0;
        for (const shard of shards) {
          const parent = shard.ParentShardId;
          if (parent && ids.has(parent) && !closed.has(parent)) continue;
          got += await pollShard(shard);
        }
        if (got === 0) lastQuietPassStart = passStart;
        if (got === 0 && !stopped) await sleep(100);
      } catch (err) {
        if (stopped) break;
        log('stream poll failed', { error: String(err) });
        iterators.clear();
        await sleep(1_000);
      }
    }
  };

  const running = loop();
  return {
    /** True once a pass that began after `since` found no unprocessed records. */
    caughtUpSince: (since: number) => lastQuietPassStart > since,
    stop: async () => {
      stopped = true;
      wake?.();
      await running;
    },
  };
}
