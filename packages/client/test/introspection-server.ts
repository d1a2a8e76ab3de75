// A latchkey server on a free port, in process, with POST /introspect enabled, and
// helpers to mint tokens over HTTP with the bootstrap user's token. Shared by the
// verifier, Fastify and Express tests.
import type { TestContext } from 'node:test';
import type { AddressInfo } from 'node:net';
import { buildApp } from '@latchkey/server';
import { bootstrap } from '@latchkey/server/bootstrap';
import { openStore } from '@latchkey/server/storage';

export const introspectionSecret = 'verifier-test-introspection-secret';

export interface IntrospectionServer {
  url: string;
  applicationId: string;
  /** The bootstrap user's all.User token. */
  userToken: string;
  /** Every POST /introspect the server answered. */
  introspections: () => number;
  /** Calls the API with the bootstrap user's token (or `token`); throws unless 2xx. */
  api: <T = Record<string, unknown>>(method: string, path: string, body?: unknown, token?: string) => Promise<T>;
  /** Creates an application token; returns its id and secret. */
  createToken: (scope: string[], options?: { applicationId?: string; name?: string }) => Promise<{ id: string; token: string }>;
  /** Another user of the same server, with an all.User token. */
  addUser: (email: string) => Promise<{ userId: string; token: string }>;
}

export async function startIntrospectionServer(t: TestContext): Promise<IntrospectionServer> {
  const store = await openStore('sqlite::memory:');
  const boot = await bootstrap(store, { email: 'verifier@example.com', password: 'verifier password', applicationName: 'Verifier' });
  const app = await buildApp({ store, introspectionSecret });
  let introspections = 0;
  app.addHook('onRequest', async (request) => {
    if (request.url === '/introspect') introspections++;
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  async function api<T>(method: string, path: string, body?: unknown, token = boot.token): Promise<T> {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await response.json()) as T;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(data)}`);
    return data;
  }

  return {
    url,
    applicationId: boot.applicationId!,
    userToken: boot.token,
    introspections: () => introspections,
    api,
    createToken: (scope, options = {}) =>
      api<{ id: string; token: string }>('POST', `/applications/${options.applicationId ?? boot.applicationId}/tokens`, {
        name: options.name ?? scope.join(' '),
        scope,
      }),
    addUser: async (email) => {
      const result = await bootstrap(store, { email, password: 'another password' });
      return { userId: result.userId, token: result.token };
    },
  };
}

/** A fetch that counts the verifications answered through it (POST /verify, /introspect; not the events stream). */
export function countingFetch(): { fetch: typeof globalThis.fetch; calls: () => number } {
  let calls = 0;
  return {
    // A 404 is not an answer: it is how a server without POST /verify says so (the verifier then asks /introspect).
    fetch: async (input, init) => {
      const response = await globalThis.fetch(input, init);
      if (/\/(verify|introspect)$/.test(String(input)) && response.status !== 404) calls++;
      return response;
    },
    calls: () => calls,
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether the server serves POST /verify (else the verifier falls back to /introspect). */
export async function servesVerify(url: string): Promise<boolean> {
  const response = await fetch(`${url}/verify`, {
    method: 'POST',
    headers: { authorization: `Bearer ${introspectionSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ token: 'lka_probe' }),
  });
  await response.arrayBuffer();
  return response.status !== 404;
}
