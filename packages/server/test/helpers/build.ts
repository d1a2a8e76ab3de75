// Test harness: an app on a fresh in-memory SQLite store, a movable clock, and a
// bootstrapped user with an application and an all.User token.
import type { TestContext } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { generateToken, newId } from '@latchkey/contract';
import { buildApp, type AppOptions } from '../../src/app.js';
import { hashToken } from '../../src/auth/token-hash.js';
import { bootstrap } from '../../src/bootstrap.js';
import type { Store } from '../../src/storage/port.js';
import { openStore } from '../../src/storage/open-store.js';
import { newToken } from '../../src/tokens/api-token-wire.js';
import type { UsageWriterOptions } from '../../src/usage/usage-writer.js';
import { newUser } from '../../src/users/new-user.js';

export interface Harness {
  app: FastifyInstance;
  store: Store;
  clock: { now: number };
  userId: string;
  applicationId: string;
  /** A user API token with all.User. */
  userToken: string;
  /** inject with a bearer token. */
  call(token: string | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Creates an application token through the API and returns the 201 body. */
  createToken(
    body: Record<string, unknown>,
    token?: string,
    applicationId?: string,
  ): Promise<Record<string, unknown> & { token: string; id: string }>;
}

export async function build(
  t: TestContext,
  options: {
    databaseUrl?: string;
    /** A store to run on instead (e.g. an adapter's from helpers/stores.ts); closed with the app. */
    store?: Store;
    introspectionSecret?: string;
    previousIntrospectionSecret?: string;
    usage?: UsageWriterOptions;
    /** Failed authentications an address may make per minute (AppOptions.authFailureLimit). */
    authFailureLimit?: number;
    allowPrivateWebhooks?: boolean;
    webhooks?: AppOptions['webhooks'];
    /** Any other option of buildApp (trustProxy, githubScanningKeys, ...). */
    app?: Partial<Omit<AppOptions, 'store' | 'now'>>;
  } = {},
): Promise<Harness> {
  const store = options.store ?? (await openStore(options.databaseUrl ?? 'sqlite::memory:'));
  const clock = { now: Date.now() };
  const app = await buildApp({
    store,
    now: () => clock.now,
    ...(options.introspectionSecret ? { introspectionSecret: options.introspectionSecret } : {}),
    ...(options.previousIntrospectionSecret ? { previousIntrospectionSecret: options.previousIntrospectionSecret } : {}),
    ...(options.usage ? { usage: options.usage } : {}),
    ...(options.authFailureLimit === undefined ? {} : { authFailureLimit: options.authFailureLimit }),
    ...(options.allowPrivateWebhooks ? { allowPrivateWebhooks: true } : {}),
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    ...options.app,
  });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const boot = await bootstrap(store, {
    email: 'owner@example.com',
    password: 'correct horse battery',
    applicationName: 'Test Application',
  });
  const call: Harness['call'] = (token, injectOptions) =>
    app.inject({
      ...injectOptions,
      headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...injectOptions.headers },
    });
  const harness: Harness = {
    app,
    store,
    clock,
    userId: boot.userId,
    applicationId: boot.applicationId!,
    userToken: boot.token,
    call,
    async createToken(body, token = boot.token, applicationId = boot.applicationId!) {
      const response = await call(token, { method: 'POST', url: `/applications/${applicationId}/tokens`, payload: body });
      if (response.statusCode !== 201) throw new Error(`create failed: ${response.statusCode} ${response.body}`);
      return response.json();
    },
  };
  return harness;
}

/** Mints a token straight into the store (setup for principals that have no API yet). */
export async function mintToken(
  store: Store,
  owner: { ownerType: 'application' | 'user'; ownerId: string },
  fields: { scope: string[]; status?: 'active' | 'inactive'; expiresAt?: number | null; name?: string },
): Promise<{ id: string; token: string }> {
  const kind = owner.ownerType === 'application' ? 'application' : 'user';
  const token = generateToken(kind);
  const record = newToken(
    { name: fields.name ?? 'minted', status: fields.status },
    {
      owner,
      creator: { creatorType: 'user', creatorId: owner.ownerId, creatorName: 'test' },
      scope: fields.scope,
      expiresAt: fields.expiresAt,
      at: Date.now(),
      hash: hashToken(token),
    },
  );
  await store.createToken(record);
  return { id: record.id, token };
}

/** Creates an application straight in the store, owned by `ownerId`. */
export async function makeApplication(store: Store, ownerId: string, name = 'Other'): Promise<string> {
  const id = newId();
  const now = Date.now();
  await store.createApplication({ id, ownerType: 'user', ownerId, name, description: '', createdAt: now, updatedAt: now });
  return id;
}

/** Creates a user straight in the store (lower-cased email, scrypt password) and returns its id. */
export async function createUser(
  store: Store,
  email: string,
  password: string,
  names: { firstName?: string; lastName?: string } = {},
): Promise<string> {
  const user = await newUser({ email, password, ...names, at: Date.now() });
  await store.createUser(user);
  return user.id;
}

/** POST /auth/user; returns the session token (throws unless 200). */
export async function login(h: Harness, email: string, password: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await h.call(undefined, { method: 'POST', url: '/auth/user', payload: { email, password, ...extra } });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  return response.json().token;
}
