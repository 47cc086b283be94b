import { requireBearer } from '../../edges/bearer-auth.ts';
import { baseUrlOf, header } from '../../edges/http-request.ts';
import type { Route } from '../../edges/http-router.ts';
import { statusPage } from '../../pages/status.ts';
import { type StatusDeps, statusReport } from '../../usecases/status-report.ts';

/** `GET /status`: the operator's numbers, HTML or (with `Accept: application/json`) JSON. Bearer token only. */
export function statusRoutes(deps: StatusDeps, publicUrl: string | undefined): Route[] {
  return [
    {
      method: 'GET',
      path: '/status',
      handler: async (event) => {
        requireBearer(event, await deps.adminToken());
        const report = await statusReport(deps);
        const json = (header(event, 'accept') ?? '').includes('application/json');
        return {
          statusCode: 200,
          headers: {
            'content-type': json ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
            'cache-control': 'no-store',
            'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
            vary: 'Accept, Authorization',
          },
          body: json ? JSON.stringify(report) : statusPage({ base: baseUrlOf(event, publicUrl) }, report),
        };
      },
    },
  ];
}
