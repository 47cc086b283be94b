import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { BatchingQueue } from '../adapters/batching-queue.ts';
import { peerEventFromStreamRecord } from '../edges/peer-stream-records.ts';
import {
  federationTaskFromStreamRecord,
  outboundFromStreamRecord,
  postFromStreamRecord,
} from '../edges/stream-records.ts';
import type { FederationStore } from '../ports/federation.ts';
import type { InfoLog } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import { type FanoutDeps, fanoutPost } from '../usecases/fanout-post.ts';
import { fanoutFederationTask, fanoutToRemoteFollowers } from '../usecases/federation/fanout-federation.ts';
import { announceToSubscribers, type RelayForwardDeps } from '../usecases/federation/relay-fanout.ts';
import { onPeerEvent } from '../usecases/peer-events.ts';
import { type PeerNetworkDeps, relayLocalPost } from '../usecases/peer-outbound.ts';
import { replyJob } from '../usecases/reply-job.ts';
import { readOncePerBatch } from './read-once.ts';

export interface FanoutStreamDeps extends FanoutDeps {
  log: InfoLog;
  /** Custom metrics: posts fanned out, failed records. */
  metrics?: Metrics;
  /** ActivityPub: local posts also go to remote followers; federation tasks become jobs. */
  federation?: Pick<FederationStore, 'followersOf' | 'localFollowersOf'>;
  /** The peer network (interest sync, relayed posts, control items); absent = no peers. */
  peerNetwork?: PeerNetworkDeps;
  /** Our relay (FEP-ae0c): members' posts and posts relayed from peers are announced to its subscribers. */
  relay?: Omit<RelayForwardDeps, 'queue'>;
}

/**
 * The stream consumer: record by record, reporting the failed ones so Lambda retries from
 * there (and bisects, and finally sends them to the failure destination).
 */
export function createFanoutHandler(deps: FanoutStreamDeps) {
  const onRecord = async (
    queue: BatchingQueue,
    deliveryEpoch: () => Promise<number>,
    record: DynamoDBRecord,
  ) => {
    queue.startRecord(record.dynamodb?.SequenceNumber ?? '');
    const outbound = outboundFromStreamRecord(record);
    if (outbound) {
      await queue.enqueue([replyJob(outbound)]);
      deps.log('reply queued', { id: outbound.id });
      return;
    }
    if (deps.peerNetwork) {
      const event = peerEventFromStreamRecord(record);
      if (event) {
        await onPeerEvent(deps.peerNetwork, event);
        if (event.kind === 'relay' && deps.relay) {
          const { postId: id, createdAt, from } = event.post;
          await announceToSubscribers({ ...deps.relay, queue }, { id, createdAt, from });
        }
        return;
      }
    }
    const task = deps.federation ? federationTaskFromStreamRecord(record) : undefined;
    if (task?.type === 'relayAnnounce') {
      const { noteId: id, published: createdAt, from } = task;
      const jobs = deps.relay
        ? await announceToSubscribers({ ...deps.relay, queue }, { id, createdAt, from })
        : 0;
      deps.log('relay announce queued', { noteId: id, jobs });
      return;
    }
    if (task && deps.federation) {
      const jobs = await fanoutFederationTask({ ...deps, queue, federation: deps.federation }, task);
      deps.log('federation task queued', { taskId: task.id, type: task.type, jobs });
      return;
    }
    const post = postFromStreamRecord(record);
    if (!post) return;
    const { recipients, jobs } = await fanoutPost({ ...deps, queue, deliveryEpoch }, post);
    const remote = deps.federation
      ? await fanoutToRemoteFollowers({ ...deps, queue, federation: deps.federation }, post)
      : 0;
    if (deps.peerNetwork) await relayLocalPost(deps.peerNetwork, post);
    if (deps.relay) await announceToSubscribers({ ...deps.relay, queue }, post);
    // Counted once the record can no longer fail (a retried record would count it again).
    deps.metrics?.posts(1);
    deps.log('post fanned out', { postId: post.id, recipients, jobs, remoteServers: remote });
  };
  // One processor and one batching queue per invocation: their state is per batch, and a local
  // poller may run batches concurrently. Jobs of consecutive records share SQS batches.
  return async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
    const queue = new BatchingQueue(deps.queue);
    // The opt-out change marker, read once per batch (before the first post's member pages).
    const deliveryEpoch = readOncePerBatch(() => deps.store.deliveryEpoch());
    try {
      const response = await processPartialResponse(
        event,
        (record: DynamoDBRecord) => onRecord(queue, deliveryEpoch, record),
        new BatchProcessor(EventType.DynamoDBStreams),
        { context, throwOnFullBatchFailure: false },
      );
      await queue.flush();
      const failed = new Set([
        ...response.batchItemFailures.map((f) => f.itemIdentifier),
        ...queue.failedRecords,
      ]);
      if (queue.failedRecords.size > 0) {
        deps.log('jobs not enqueued', { records: queue.failedRecords.size });
        deps.metrics?.failure('enqueue-failed', queue.failedRecords.size);
      }
      if (failed.size > 0) deps.metrics?.failure('fanout-record-failed', failed.size);
      return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) };
    } finally {
      // Once per invocation, failures included: the Posts graph and the failure alarms read these.
      deps.metrics?.flush();
    }
  };
}
