import { baseUrlOf, bodyText, header, publicUrlOf, requireContentType } from '../../edges/http-request.ts';
import type { Route } from '../../edges/http-router.ts';
import { parseTwilioSms, twiml, verifyTwilioSignature } from '../../edges/twilio.ts';
import { parseTwilioStatus } from '../../edges/twilio-status.ts';
import { ingestMessage } from '../../usecases/ingest-message.ts';
import { recordSmsEvent, type SmsReceiptDeps, smsTextedIn } from '../../usecases/sms-receipts.ts';
import type { HttpDeps } from '../http-deps.ts';

/**
 * `POST /webhooks/twilio`: Twilio's inbound SMS webhook, answered with TwiML.
 * `POST /webhooks/twilio/status`: Twilio's status callbacks (delivery receipts), signed the same way.
 */
export function twilioRoutes(deps: HttpDeps): Route[] {
  const receipts = deps.smsReceipts;
  return [
    {
      method: 'POST',
      path: '/webhooks/twilio',
      handler: async (event) => {
        requireContentType(event, 'application/x-www-form-urlencoded');
        const params = new URLSearchParams(bodyText(event));
        const url = publicUrlOf(event, deps.publicUrl);
        verifyTwilioSignature(await deps.twilioAuthToken(), url, params, header(event, 'x-twilio-signature'));
        const message = parseTwilioSms(params);
        const result = await ingestMessage(
          { ...deps.ingest, baseUrl: baseUrlOf(event, deps.publicUrl) },
          message,
        );
        if (receipts)
          await smsTextedIn(receipts.receipts, message.channel).catch((err: unknown) =>
            deps.log('warn', 'sms failure streak not reset', { error: String(err) }),
          );
        deps.log('info', 'twilio message', {
          messageId: message.messageId,
          duplicate: result.duplicate,
          post: !!result.postId,
        });
        return {
          statusCode: 200,
          headers: { 'content-type': 'text/xml; charset=utf-8' },
          body: twiml(result.reply),
        };
      },
    },
    ...(receipts?.provider === 'twilio' ? [statusRoute(deps, receipts)] : []),
  ];
}

/** Twilio's status callbacks: verified, parsed, recorded once; unknown ids and duplicates answer 200 too, so Twilio stops retrying. */
function statusRoute(deps: HttpDeps, receipts: SmsReceiptDeps): Route {
  return {
    method: 'POST',
    path: '/webhooks/twilio/status',
    handler: async (event) => {
      requireContentType(event, 'application/x-www-form-urlencoded');
      const params = new URLSearchParams(bodyText(event));
      const url = publicUrlOf(event, deps.publicUrl);
      // Verified before anything is read: a forged receipt is a 403 and writes nothing.
      verifyTwilioSignature(await deps.twilioAuthToken(), url, params, header(event, 'x-twilio-signature'));
      await recordSmsEvent(receipts, parseTwilioStatus(params));
      return { statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '' };
    },
  };
}
