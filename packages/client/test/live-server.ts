// A latchkey server on a free port, in process, with a bootstrapped user and
// application; it counts the requests it serves so tests can see paging happen.
// The console's end-to-end tests use it too.
import type { TestContext } from 'node:test';
import type { AddressInfo } from 'node:net';
import { buildApp } from '@latchkey/server';
import { bootstrap } from '@latchkey/server/bootstrap';
import { openStore } from '@latchkey/server/storage';

export interface LiveServer {
  url: string;
  userId: string;
  applicationId: string;
  /** A user API token with all.User. */
  token: string;
  email: string;
  password: string;
  /** Requests served so far, as `METHOD /path?query`. */
  requests: string[];
  /** Another user (all.User token), e.g. to add as an organization member. */
  addUser: (email: string) => Promise<{ userId: string; token: string }>;
}

export async function startServer(
  t: TestContext,
  { email, password, applicationName } = { email: 'sdk@example.com', password: 'sdk password', applicationName: 'SDK' },
  options: { introspectionSecret?: string; allowPrivateWebhooks?: boolean } = {},
): Promise<LiveServer> {
  const store = await openStore('sqlite::memory:');
  const boot = await bootstrap(store, { email, password, applicationName });
  const app = await buildApp({ store, ...options });
  const requests: string[] = [];
  app.addHook('onRequest', async (request) => {
    requests.push(`${request.method} ${request.url}`);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    userId: boot.userId,
    applicationId: boot.applicationId!,
    token: boot.token,
    email,
    password,
    requests,
    addUser: async (other) => {
      const result = await bootstrap(store, { email: other, password: 'another password' });
      return { userId: result.userId, token: result.token };
    },
  };
}
