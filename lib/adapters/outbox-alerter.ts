import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Alerter } from '../ports/sms-safety.ts';
import type { OutboxLine } from './outbox-sender.ts';

/** The local stand-in for the alert topic: one outbox line on channel `operator`, to `operator`. */
export class OutboxAlerter implements Alerter {
  constructor(private readonly file: string) {}

  async alert(subject: string, message: string): Promise<void> {
    const line: OutboxLine = {
      channel: 'operator',
      to: 'operator',
      text: `${subject}: ${message}`,
      kind: 'reply',
      at: new Date().toISOString(),
    };
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(line)}\n`);
  }
}
