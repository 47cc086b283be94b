import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { peerEventFromStreamRecord } from '../edges/peer-stream-records.ts';
import { outboundFromStreamRecord, postFromStreamRecord } from '../edges/stream-records.ts';
import { type FanoutDeps, fanoutPost } from './fanout-post.ts';
import { onPeerEvent } from './peer-events.ts';
import { type PeerNetworkDeps, relayLocalPost } from './peer-network.ts';
import { replyJob } from './reply-job.ts';

export interface FanoutStreamDeps extends FanoutDeps {
  log: (event: string, fields: Record<string, unknown>) => void;
  /** The peer network (interest sync, relayed posts, control items); absent = no peers. */
  peerNetwork?: PeerNetworkDeps;
}

/**
 * The stream consumer: record by record, reporting the failed ones so Lambda retries from
 * there (and bisects, and finally sends them to the failure destination).
 */
export function createFanoutHandler(deps: FanoutStreamDeps) {
  const onRecord = async (record: DynamoDBRecord) => {
    const outbound = outboundFromStreamRecord(record);
    if (outbound) {
      await deps.queue.enqueue([replyJob(outbound)]);
      deps.log('reply queued', { id: outbound.id });
      return;
    }
    if (deps.peerNetwork) {
      const event = peerEventFromStreamRecord(record);
      if (event) return onPeerEvent(deps.peerNetwork, event);
    }
    const post = postFromStreamRecord(record);
    if (!post) return;
    const { recipients, jobs } = await fanoutPost(deps, post);
    deps.log('post fanned out', { postId: post.id, recipients, jobs });
    if (deps.peerNetwork) await relayLocalPost(deps.peerNetwork, post);
  };
  // One processor per invocation: its state is per batch, and a local poller may run batches concurrently.
  return async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> =>
    processPartialResponse(event, onRecord, new BatchProcessor(EventType.DynamoDBStreams), {
      context,
      throwOnFullBatchFailure: false,
    });
}
