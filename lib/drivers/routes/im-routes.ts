import { baseUrlOf, bodyText, header, requireContentType } from '../../edges/http-request.ts';
import type { Route } from '../../edges/http-router.ts';
import {
  IM_SIGNATURE_HEADER,
  IM_TIMESTAMP_HEADER,
  parseImMessage,
  verifyImSignature,
} from '../../edges/im-bridge.ts';
import { assertPublicUrl } from '../../edges/public-url.ts';
import { ingestMessage } from '../../usecases/ingest-message.ts';
import type { HttpDeps } from '../http-deps.ts';

/**
 * `POST /webhooks/im`: the generic IM bridge (README "Bridge any chat system in an afternoon").
 * Signature and timestamp first, then the body, then the callback URL, and only then the table.
 */
export function imRoutes(deps: HttpDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/webhooks/im',
      handler: async (event) => {
        const raw = bodyText(event);
        verifyImSignature(
          await deps.imSecret?.(),
          header(event, IM_TIMESTAMP_HEADER),
          header(event, IM_SIGNATURE_HEADER),
          raw,
          deps.ingest.now().getTime(),
        );
        requireContentType(event, 'application/json');
        const message = parseImMessage(raw);
        if (message.callback !== undefined)
          await assertPublicUrl(message.callback, { allowPrivate: deps.allowPrivateCallbacks ?? false });
        const result = await ingestMessage(
          { ...deps.ingest, baseUrl: baseUrlOf(event, deps.publicUrl) },
          message,
        );
        deps.log('info', 'im message', { duplicate: result.duplicate, post: !!result.postId });
        return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
      },
    },
  ];
}
