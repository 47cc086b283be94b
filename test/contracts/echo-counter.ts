import { describe, expect, it } from 'vitest';
import type { EchoCounter, EchoStats } from '../../lib/ports/stats.ts';

export interface EchoCounterHarness {
  counter: EchoCounter;
  /** Ends the invocation that counted (a buffering counter writes what it collected, at `at`). */
  settle(at: Date): Promise<void>;
  /** Where the status page reads the counts back. */
  stats: EchoStats;
}

/**
 * The behaviour every EchoCounter adapter must have, written once as a function of an adapter
 * factory (after Fedify's `testMessageQueue`); `make` returns a harness over a fresh, empty table.
 * Run from test/integration/echo-counter.contract.test.ts.
 */
export function echoCounterContract(name: string, make: () => Promise<EchoCounterHarness>) {
  describe(`EchoCounter contract: ${name}`, () => {
    it('adds every count once, by day and channel kind and by hour, as the status page shows them', async () => {
      const h = await make();
      const at = new Date('2026-11-23T10:15:00.000Z');
      await h.counter.countEchoes({ sms: 3, telegram: 1 }, at);
      await h.counter.countEchoes({ sms: 2, im: 0 }, at);
      await h.settle(at);
      expect(await h.stats.echoesOn('2026-11-23')).toEqual({ sms: 5, telegram: 1 });
      expect(await h.stats.echoesOn('2026-11-22')).toEqual({});
      const hours = await h.stats.echoesByHour(new Date('2026-11-23T11:00:00.000Z'));
      expect(hours.find((x) => x.hour === '2026-11-23T10')?.count).toBe(6);
      expect(hours.filter((x) => x.hour !== '2026-11-23T10').every((x) => x.count === 0)).toBe(true);
    });

    it('writes nothing for counts of zero', async () => {
      const h = await make();
      const at = new Date('2026-11-23T10:15:00.000Z');
      await h.counter.countEchoes({ sms: 0 }, at);
      await h.settle(at);
      expect(await h.stats.echoesOn('2026-11-23')).toEqual({});
    });
  });
}
