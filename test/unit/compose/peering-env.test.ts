import { describe, expect, it } from 'vitest';
import { peeringFromEnv } from '../../../lib/compose/peering-env.ts';

describe('peering settings from the environment', () => {
  it('reads ECHOBOT_LEAF_QUEUE_MAX as the items held per leaf, and leaves it out when unset', () => {
    expect(peeringFromEnv({ ECHOBOT_LEAF_QUEUE_MAX: '3' }).leafQueueMax).toBe(3);
    expect(peeringFromEnv({}).leafQueueMax).toBeUndefined();
  });

  it.each(['0', '-5', '2.5', 'lots', '1000001'])(
    'refuses ECHOBOT_LEAF_QUEUE_MAX=%s naming the setting',
    (raw) => {
      expect(() => peeringFromEnv({ ECHOBOT_LEAF_QUEUE_MAX: raw })).toThrow(
        /ECHOBOT_LEAF_QUEUE_MAX must be a whole number/,
      );
    },
  );
});
