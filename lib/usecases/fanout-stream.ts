import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import {
  federationTaskFromStreamRecord,
  outboundFromStreamRecord,
  postFromStreamRecord,
} from '../edges/stream-records.ts';
import type { FederationStore } from '../ports/federation.ts';
import { type FanoutDeps, fanoutPost } from './fanout-post.ts';
import { fanoutFederationTask, fanoutToRemoteFollowers } from './federation/fanout-federation.ts';
import { replyJob } from './reply-job.ts';

export interface FanoutStreamDeps extends FanoutDeps {
  log: (event: string, fields: Record<string, unknown>) => void;
  /** ActivityPub: local posts also go to remote followers; federation tasks become jobs. */
  federation?: Pick<FederationStore, 'followersOf' | 'localFollowersOf'>;
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
    const task = deps.federation ? federationTaskFromStreamRecord(record) : undefined;
    if (task && deps.federation) {
      const jobs = await fanoutFederationTask({ ...deps, federation: deps.federation }, task);
      deps.log('federation task queued', { taskId: task.id, type: task.type, jobs });
      return;
    }
    const post = postFromStreamRecord(record);
    if (!post) return;
    const { recipients, jobs } = await fanoutPost(deps, post);
    const remote = deps.federation
      ? await fanoutToRemoteFollowers({ ...deps, federation: deps.federation }, post)
      : 0;
    deps.log('post fanned out', { postId: post.id, recipients, jobs, remoteServers: remote });
  };
  // One processor per invocation: its state is per batch, and a local poller may run batches concurrently.
  return async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> =>
    processPartialResponse(event, onRecord, new BatchProcessor(EventType.DynamoDBStreams), {
      context,
      throwOnFullBatchFailure: false,
    });
}
