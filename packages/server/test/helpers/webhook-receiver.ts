// A webhook receiver on loopback (node:http), as a service receiving latchkey's
// webhooks would be: every delivery is verified with the standardwebhooks package
// against the secrets it was given (the signature, and its timestamp within 5
// minutes of now), and kept with what the verification made of it. It answers 204
// unless told otherwise (a status, or never: to hold a delivery in flight).
import type { TestContext } from 'node:test';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  headers: IncomingHttpHeaders;
  /** The verified event (Webhook.verify's answer), or undefined when no secret verified it. */
  event: { type: string; timestamp: string; data: Record<string, unknown> } | undefined;
  /** The secret that verified it. */
  secret: string | undefined;
}

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Secrets a delivery may be signed with. */
  secrets: string[];
  /** The answer to the next deliveries: a status, or 'hang' (no answer, ever). */
  respond: (delivery: Received) => number | 'hang';
  /** Waits until `predicate` holds of what was received (at most `timeoutMs`). */
  until(predicate: (received: Received[]) => boolean, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(t: TestContext, options: { port?: number } = {}): Promise<Receiver> {
  const held: ServerResponse[] = [];
  const receiver: Receiver = {
    url: '',
    port: 0,
    received: [],
    secrets: [],
    respond: () => 204,
    async until(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(receiver.received)) {
        if (Date.now() > deadline) {
          throw new Error(
            `timed out waiting for deliveries; received ${JSON.stringify(receiver.received.map((r) => [r.id, r.event?.type]))}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return receiver.received;
    },
    async close() {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const headers = request.headers;
      const one = (name: string) => String(headers[name] ?? '');
      const received: Received = {
        id: one('webhook-id'),
        timestamp: one('webhook-timestamp'),
        signature: one('webhook-signature'),
        body,
        headers,
        event: undefined,
        secret: undefined,
      };
      for (const secret of receiver.secrets) {
        try {
          received.event = new Webhook(secret).verify(body, {
            'webhook-id': received.id,
            'webhook-timestamp': received.timestamp,
            'webhook-signature': received.signature,
          }) as Received['event'];
          received.secret = secret;
          break;
        } catch {
          // Not this secret's signature.
        }
      }
      receiver.received.push(received);
      const answer = receiver.respond(received);
      if (answer === 'hang') held.push(response);
      else response.writeHead(received.event ? answer : 400).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}/hooks`;
  t.after(() => receiver.close());
  return receiver;
}
