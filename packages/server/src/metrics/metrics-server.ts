// --metrics-port: /metrics served alone on an address of its own (loopback by
// default), for a scraper that should not reach the API port, or the API that should
// not expose metrics. The metrics secret, when given, is required here too.
import { createServer, type Server } from 'node:http';
import { secretMatcher } from '../auth/introspection-secret.js';
import type { Metrics } from './metrics.js';
import { metricsPath } from './metrics-route.js';

export async function listenForMetrics(metrics: Metrics, port: number, host: string, secret?: string): Promise<Server> {
  const authorized = secret === undefined ? () => true : secretMatcher([secret]);
  const json = (status: number, type: string, message: string) => [status, JSON.stringify({ type, message })] as const;
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const refusal =
      path !== metricsPath || (req.method !== 'GET' && req.method !== 'HEAD')
        ? json(404, 'NotFound', `Only GET ${metricsPath} is served on the metrics port`)
        : !authorized(req.headers.authorization)
          ? json(401, 'Unauthorized', 'Invalid metrics secret: send --metrics-secret as Authorization: Bearer <secret>')
          : undefined;
    if (refusal) {
      res.writeHead(refusal[0], { 'content-type': 'application/json; charset=utf-8' }).end(refusal[1]);
      return;
    }
    metrics.scrape().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(req.method === 'HEAD' ? undefined : body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
