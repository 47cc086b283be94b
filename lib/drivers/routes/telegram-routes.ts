import { baseUrlOf, bodyText, header, requireContentType } from '../../edges/http-request.ts';
import type { Route } from '../../edges/http-router.ts';
import { parseJsonBody } from '../../edges/json-body.ts';
import { parseTelegramUpdate, TELEGRAM_SECRET_HEADER, verifyTelegramSecret } from '../../edges/telegram.ts';
import { ingestMessage } from '../../usecases/ingest-message.ts';
import type { HttpDeps } from '../http-deps.ts';

/**
 * `POST /webhooks/telegram`: the Bot API's webhook. Authenticated by the secret token given to
 * setWebhook, de-duplicated by `update_id`; the reply is queued (sent by the deliver function),
 * and the answer is an empty 200 so Telegram does not retry.
 */
export function telegramRoutes(deps: HttpDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/webhooks/telegram',
      handler: async (event) => {
        verifyTelegramSecret(await deps.telegramSecretToken?.(), header(event, TELEGRAM_SECRET_HEADER));
        requireContentType(event, 'application/json');
        const { updateId, message } = parseTelegramUpdate(parseJsonBody(bodyText(event)));
        if (!message) {
          deps.log('info', 'telegram update ignored', { updateId });
          return ok();
        }
        const result = await ingestMessage(
          { ...deps.ingest, baseUrl: baseUrlOf(event, deps.publicUrl) },
          message,
        );
        deps.log('info', 'telegram message', {
          updateId,
          duplicate: result.duplicate,
          post: !!result.postId,
        });
        return ok();
      },
    },
  ];
}

const ok = () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
