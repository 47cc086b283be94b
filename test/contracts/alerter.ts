import { describe, expect, it } from 'vitest';
import type { Alerter } from '../../lib/ports/sms-safety.ts';

export interface AlerterHarness {
  alerter: Alerter;
  /** What reached the operator, each as `subject: message` (a topic need not keep the order). */
  received(): Promise<string[]>;
}

/**
 * The behaviour every Alerter adapter must have, written once as a function of an adapter factory
 * (after Fedify's `testMessageQueue`); `make` returns a harness nobody has alerted yet.
 * Run from test/integration/alerter.contract.test.ts.
 */
export function alerterContract(name: string, make: () => Promise<AlerterHarness>) {
  describe(`Alerter contract: ${name}`, () => {
    it('tells the operator once per alert, with its subject and message', async () => {
      const h = await make();
      await h.alerter.alert('echobot SMS budget', 'SMS echoes paused: 100 of 100 parts used today');
      await h.alerter.alert('echobot', 'second');
      expect((await h.received()).sort()).toEqual([
        'echobot SMS budget: SMS echoes paused: 100 of 100 parts used today',
        'echobot: second',
      ]);
    });
  });
}
