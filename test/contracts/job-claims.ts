import { describe, expect, it } from 'vitest';
import type { JobClaims } from '../../lib/ports/job-claims.ts';

const now = Date.parse('2026-11-23T10:00:00.000Z');
const minute = 60_000;

/**
 * The behaviour every JobClaims adapter must have (after Fedify's `testMessageQueue`): `make`
 * returns claims over a fresh, empty table. Run from test/integration/job-claims.contract.test.ts.
 */
export function jobClaimsContract(name: string, make: () => Promise<JobClaims>) {
  describe(`JobClaims contract: ${name}`, () => {
    it('a job a batch finished is done for every later batch: a redelivery or a re-run fanout sends nothing', async () => {
      const claims = await make();
      expect(await claims.claim('post#0', 'b1', now + minute, now)).toBe('claimed');
      await claims.finish('b1', ['post#0'], now);
      expect(await claims.claim('post#0', 'b2', now + 2 * minute, now + 10)).toBe('done');
      // Long after the first batch's lease, still done.
      expect(await claims.claim('post#0', 'b3', now + 60 * minute, now + 30 * minute)).toBe('done');
    });

    it('a job another invocation is still sending is busy until its lease ends', async () => {
      const claims = await make();
      expect(await claims.claim('post#0', 'b1', now + minute, now)).toBe('claimed');
      expect(await claims.claim('post#0', 'b2', now + 2 * minute, now + 10)).toBe('busy');
    });

    it('a job whose invocation died unfinished is taken over once its lease ran out, by one retry only', async () => {
      const claims = await make();
      expect(await claims.claim('post#0', 'crashed', now + minute, now)).toBe('claimed');
      const later = now + 2 * minute;
      expect(await claims.claim('post#0', 'retry', later + minute, later)).toBe('claimed');
      expect(await claims.claim('post#0', 'other', later + minute, later + 10)).toBe('busy');
      // The crashed batch never finished it; the retry did.
      await claims.finish('retry', ['post#0'], later);
      expect(await claims.claim('post#0', 'again', later + 3 * minute, later + 2 * minute)).toBe('done');
    });

    it('a released job (its sends failed) is claimed afresh by the retry; a stale release changes nothing', async () => {
      const claims = await make();
      expect(await claims.claim('post#0', 'b1', now + minute, now)).toBe('claimed');
      await claims.release('post#0', 'b1');
      expect(await claims.claim('post#0', 'b2', now + minute, now + 10)).toBe('claimed');
      await claims.release('post#0', 'b1');
      expect(await claims.claim('post#0', 'b3', now + minute, now + 20)).toBe('busy');
    });

    it('a finished batch names only the jobs it finished', async () => {
      const claims = await make();
      expect(await claims.claim('post#0', 'b1', now + minute, now)).toBe('claimed');
      expect(await claims.claim('post#1', 'b1', now + minute, now)).toBe('claimed');
      await claims.finish('b1', ['post#0'], now);
      expect(await claims.claim('post#0', 'b2', now + 3 * minute, now + 2 * minute)).toBe('done');
      expect(await claims.claim('post#1', 'b2', now + 3 * minute, now + 2 * minute)).toBe('claimed');
    });
  });
}
