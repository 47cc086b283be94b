import { PermanentSendError } from '../domain/errors.ts';
import type { Sender } from '../ports/sender.ts';

/** For a channel kind the operator has not set up: every send is a permanent, logged refusal. */
export function notConfigured(what: string): Sender {
  return {
    async send() {
      throw new PermanentSendError(`${what} is not configured on this bot`, 'rejected');
    },
  };
}
