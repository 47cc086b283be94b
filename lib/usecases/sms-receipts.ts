import type { DeliveryReceipt } from '../domain/sms-receipts.ts';
import type { InfoLog } from '../ports/logger.ts';
import type { ReceiptRecorded, SmsReceiptMetrics, SmsReceiptStore } from '../ports/sms-receipts.ts';

export interface RecordSmsEventDeps {
  receipts: Pick<SmsReceiptStore, 'recordReceipt'>;
  log: InfoLog;
  /** Final states counted for the failure-rate alarm; absent = not counted (local runs). */
  metrics?: SmsReceiptMetrics;
}

/**
 * A delivery receipt (an End User Messaging event, a Twilio status callback) -> the store, by
 * the provider's message id. An unknown id (another application's SMS, or one past the store's
 * window) writes nothing; a duplicate, or a second final receipt, changes nothing twice; only the
 * first final receipt of an SMS is counted in the metrics.
 */
export async function recordSmsEvent(
  deps: RecordSmsEventDeps,
  receipt: DeliveryReceipt,
): Promise<ReceiptRecorded> {
  const recorded = await deps.receipts.recordReceipt(receipt);
  deps.log('sms receipt', {
    provider: receipt.provider,
    messageId: receipt.messageId,
    state: receipt.state,
    ...(receipt.errorCode ? { errorCode: receipt.errorCode } : {}),
    result: recorded.result,
  });
  if (recorded.result === 'recorded' && recorded.sms.state !== 'sent')
    deps.metrics?.sms?.(recorded.sms.state);
  return recorded;
}
