import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '../../domain/zod-messages.ts';
import type { ClaimResult, JobClaims } from '../../ports/job-claims.ts';
import { epochSeconds, expiresAfter, key } from './schema.ts';

/** How long a job claim is remembered: longer than any stream or queue retry window. */
export const CLAIM_TTL_SECONDS = 7 * 24 * 3600;

const claimItem = z.object({ claimedBy: z.string(), leaseUntil: z.number() });
const batchItem = z.object({ jobs: z.array(z.string()) });

const isConditionFailure = (err: unknown) => err instanceof ConditionalCheckFailedException;

/**
 * Job claims in the bot's table (`JOBCLAIM` / `JOBBATCH` items, TTL 7 days). The common path is
 * one conditional PutItem per job and one PutItem per batch; only a collision (a redelivered or
 * re-run job) reads the claim and its batch.
 */
export class DynamoJobClaims implements JobClaims {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async claim(jobId: string, batchId: string, leaseUntil: number, now: number): Promise<ClaimResult> {
    const Item = {
      ...key.jobClaim(jobId),
      claimedBy: batchId,
      leaseUntil,
      expiresAt: expiresAfter(now, CLAIM_TTL_SECONDS),
    };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item,
          // TTL deletes lazily: an expired claim is as good as none.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': epochSeconds(now) },
        }),
      );
      return 'claimed';
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    const { Item: found } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key.jobClaim(jobId), ConsistentRead: true }),
    );
    // Released between the two calls (its send failed): the queue's retry claims it afresh.
    if (!found) return 'busy';
    const held = claimItem.parse(found);
    if (await this.finished(held.claimedBy, jobId)) return 'done';
    if (held.leaseUntil > now) return 'busy';
    // The holder's lease ran out and its batch never finished the job: take it over, unless
    // another retry did first.
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item,
          ConditionExpression: 'claimedBy = :old AND leaseUntil = :lease',
          ExpressionAttributeValues: { ':old': held.claimedBy, ':lease': held.leaseUntil },
        }),
      );
      return 'claimed';
    } catch (err) {
      if (isConditionFailure(err)) return 'busy';
      throw err;
    }
  }

  async release(jobId: string, batchId: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: key.jobClaim(jobId),
          ConditionExpression: 'claimedBy = :b',
          ExpressionAttributeValues: { ':b': batchId },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async finish(batchId: string, jobIds: readonly string[], now: number): Promise<void> {
    if (jobIds.length === 0) return;
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...key.jobBatch(batchId),
          jobs: [...jobIds],
          expiresAt: expiresAfter(now, CLAIM_TTL_SECONDS),
        },
      }),
    );
  }

  private async finished(batchId: string, jobId: string): Promise<boolean> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key.jobBatch(batchId), ConsistentRead: true }),
    );
    return Item ? batchItem.parse(Item).jobs.includes(jobId) : false;
  }
}
