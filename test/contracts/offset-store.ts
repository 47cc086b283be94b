import { describe, expect, it } from 'vitest';
import type { OffsetStore } from '../../lib/ports/update-offset.ts';

/**
 * The behaviour every OffsetStore adapter must have (Telegram's update offset, a leaf's cursor per
 * upstream), as a function of a factory: `open(name)` opens the store called `name` in one fresh
 * place, and opening it again is what a restarted process does. Run from
 * test/integration/offset-store.contract.test.ts.
 */
export function offsetStoreContract(
  name: string,
  fresh: () => Promise<{ open: (name: string) => OffsetStore }>,
) {
  describe(`OffsetStore contract: ${name}`, () => {
    it('has no offset before the first write', async () => {
      const { open } = await fresh();
      expect(await open('a').read()).toBeUndefined();
    });

    it('reads back the last offset written, also when opened again (a restart)', async () => {
      const { open } = await fresh();
      const store = open('a');
      await store.write(0);
      expect(await store.read()).toBe(0);
      await store.write(7);
      await store.write(12);
      expect(await store.read()).toBe(12);
      expect(await open('a').read()).toBe(12);
    });

    it('keeps stores of different names apart', async () => {
      const { open } = await fresh();
      await open('a').write(3);
      await open('b').write(5);
      expect(await open('a').read()).toBe(3);
      expect(await open('b').read()).toBe(5);
      expect(await open('c').read()).toBeUndefined();
    });
  });
}
