import { baseUrlOf, bodyText, header, publicUrlOf, requireContentType } from '../../edges/http-request.ts';
import type { Route } from '../../edges/http-router.ts';
import { parseTwilioSms, twiml, verifyTwilioSignature } from '../../edges/twilio.ts';
import { ingestMessage } from '../../usecases/ingest-message.ts';
import type { HttpDeps } from '../http-deps.ts';

/** `POST /webhooks/twilio`: Twilio's inbound SMS webhook, answered with TwiML. */
export function twilioRoutes(deps: HttpDeps): Route[] {
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
  ];
}
