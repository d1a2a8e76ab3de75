// The official `losant-rest` client (axios, CommonJS) changes the user's password
// with `me.changePassword` against a real listening server: the answer is Losant's
// authedUser with a new session, and the session the client held before has ended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { parseToken } from '@latchkey/contract';
import { buildApp } from '../src/app.js';
import { bootstrap } from '../src/bootstrap.js';
import { openStore } from '../src/storage/open-store.js';

// losant-rest ships no type declarations: the part of its surface used here.
type Json = Record<string, unknown>;
type Call = (params?: Json) => Promise<Json>;
interface LosantClient {
  setOption(name: string, value: unknown): void;
  auth: { authenticateUser: Call };
  me: { get: Call; changePassword: Call };
}
const { createClient } = createRequire(import.meta.url)('losant-rest') as {
  createClient: (options: { url: string; accessToken?: string }) => LosantClient;
};

/** The error losant-rest rejects with: the body's keys copied onto an Error, plus statusCode. */
interface LosantError extends Error {
  statusCode: number;
  type: string;
}

async function rejection(promise: Promise<unknown>): Promise<LosantError> {
  try {
    await promise;
  } catch (error) {
    return error as LosantError;
  }
  assert.fail('expected a rejection');
}

test('losant-rest me.changePassword: a new session answers, the old one is refused, a wrong password is 401', async (t) => {
  const store = await openStore('sqlite::memory:');
  const app = await buildApp({ store });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const owner = { email: 'owner@example.com', password: 'correct horse battery' };
  const boot = await bootstrap(store, owner);
  const seen: string[] = [];
  app.addHook('onRequest', async (request) => {
    seen.push(`${request.method} ${request.url}`);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const client = createClient({ url });
  const session = (await client.auth.authenticateUser({ credentials: owner })).token as string;
  client.setOption('accessToken', session);
  assert.equal((await client.me.get()).id, boot.userId);

  const wrong = await rejection(client.me.changePassword({ data: { password: 'not the password', newPassword: 'New-passw0rd-1' } }));
  assert.deepEqual([wrong.statusCode, wrong.type], [401, 'Unauthorized']);
  const twoFactor = await rejection(
    client.me.changePassword({ data: { password: owner.password, newPassword: 'New-passw0rd-1', twoFactorCode: '123456' } }),
  );
  assert.deepEqual([twoFactor.statusCode, twoFactor.type], [400, 'Validation']);
  assert.match(twoFactor.message, /no second factor/);

  const authed = await client.me.changePassword({ data: { password: owner.password, newPassword: 'New-passw0rd-1' } });
  assert.deepEqual(Object.keys(authed).sort(), ['token', 'userId']);
  assert.equal(authed.userId, boot.userId);
  assert.equal(parseToken(authed.token as string), 'session');
  assert.match(seen.at(-1)!, /^PATCH \/me\/changePassword\?_actions=false&_links=true&_embedded=true$/);

  const ended = await rejection(client.me.get());
  assert.equal(ended.statusCode, 401, 'the session the client held has ended');
  client.setOption('accessToken', authed.token);
  assert.equal((await client.me.get()).id, boot.userId);
  const signedIn = await createClient({ url }).auth.authenticateUser({ credentials: { ...owner, password: 'New-passw0rd-1' } });
  assert.equal(signedIn.userId, boot.userId);
});
