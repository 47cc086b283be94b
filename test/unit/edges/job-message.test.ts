import { describe, expect, it } from 'vitest';
import type { DeliveryJob } from '../../../lib/domain/types.ts';
import { parseJobMessage, serializeJob } from '../../../lib/edges/job-message.ts';

describe('job messages', () => {
  const job: DeliveryJob = {
    id: 'https://bot.example/posts/1#0',
    postId: 'https://bot.example/posts/1',
    text: 'alice: party 🎉 at 𝒽𝑜𝓂𝑒, naïve café',
    recipients: [{ memberId: 'm-bob', channel: 'sms:+15550002222' }],
    attempt: 0,
  };

  it('writes emoji as surrogate escapes, so the body has no character outside the BMP', () => {
    const body = serializeJob(job);
    expect(body).not.toMatch(/[\u{10000}-\u{10FFFF}]/u);
    expect(body).toContain('\\ud83c\\udf89');
    // Other non-ASCII text stays as it is.
    expect(body).toContain('naïve café');
  });

  it('reads back exactly the job it wrote', () => {
    expect(parseJobMessage(serializeJob(job))).toEqual(job);
  });
});
