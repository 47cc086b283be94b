/**
 * OffsetStore in a small JSON file (the local node keeps `$ECHOBOT_DATA/telegram-offset.json`).
 * Written atomically: a temporary file is written and fsynced, then renamed over the old one, so
 * a crash leaves either the old offset or the new one, never a torn file.
 */
import { open, readFile, rename } from 'node:fs/promises';
import * as z from 'zod/mini';
import '../domain/zod-messages.ts';
import type { OffsetStore } from '../ports/update-offset.ts';

const OffsetFile = z.object({ offset: z.int().check(z.nonnegative()) });

export function fileOffsetStore(path: string): OffsetStore {
  return {
    async read() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
        throw error;
      }
      const parsed = OffsetFile.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(`${path} is not an offset file: ${z.prettifyError(parsed.error)}`);
      return parsed.data.offset;
    },
    async write(offset) {
      const tmp = `${path}.${process.pid}.tmp`;
      const file = await open(tmp, 'w');
      try {
        await file.writeFile(`${JSON.stringify({ offset })}\n`);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(tmp, path);
    },
  };
}
