// Usage counts through the HTTP surface: verifications reported (POST /verify/usage)
// come back from the three usage routes per outcome code and bucket, totals equal
// what was counted, old buckets age out, a failed write loses nothing and closing
// writes what is left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '@latchkey/contract';
import { buildApp } from '../src/app.js';
import { bootstrap } from '../src/bootstrap.js';
import { openStore } from '../src/storage/open-store.js';
import type { Store, StoreEvent } from '../src/storage/port.js';
import { build, type Harness } from './helpers/build.js';
import { adapters, freshSchema, postgresUrl, skipUnavailable } from './helpers/stores.js';

const secret = 'usage-test-introspection-secret';
const minute = 60_000;
const hour = 60 * minute;
// A fixed midnight UTC, so buckets are predictable.
const midnight = Date.UTC(2031, 4, 6);
const iso = (ms: number) => new Date(ms).toISOString();

type Item = { tokenId: string; code: string; time: string; count: number };

function report(h: Pick<Harness, 'call'>, usage: Item[]) {
  return h.call(secret, { method: 'POST', url: '/verify/usage', payload: { usage } });
}

async function reported(h: Pick<Harness, 'call'>, usage: Item[]) {
  const response = await report(h, usage);
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as { accepted: number; ignored: number };
}

/**
 * Waits for what the writer's timers bring about. They are unref'd (they never keep
 * a process alive), so the wait holds the event loop open itself.
 */
async function awaitTimers<T>(promise: Promise<T>): Promise<T> {
  const alive = setInterval(() => {}, 1_000);
  try {
    return await promise;
  } finally {
    clearInterval(alive);
  }
}

/** Resolves with the first event the store announces that `matches`. */
function nextEvent(store: Store, matches: (event: StoreEvent) => boolean): Promise<StoreEvent> {
  return awaitTimers(new Promise((resolve) => store.subscribe((event) => matches(event) && resolve(event))));
}

test('reported verifications come back per code and bucket, summed per application with its top tokens', async (t) => {
  const h = await build(t, { introspectionSecret: secret });
  h.clock.now = midnight + 3 * hour;
  const a = await h.createToken({ name: 'alpha', scope: ['device.*'] });
  const b = await h.createToken({ name: 'beta', scope: ['device.*'] });
  const gone = await h.createToken({ name: 'gone', scope: ['device.*'] });
  const made: Item[] = [
    { tokenId: a.id, code: 'VALID', time: iso(midnight + 90 * minute + 5_000), count: 12 },
    { tokenId: a.id, code: 'RATE_LIMITED', time: iso(midnight + 90 * minute + 59_000), count: 3 },
    { tokenId: a.id, code: 'VALID', time: iso(midnight + 2 * hour + 1), count: 1 },
    { tokenId: b.id, code: 'USAGE_EXCEEDED', time: iso(midnight + 2 * hour + 30 * minute), count: 2 },
    { tokenId: gone.id, code: 'VALID', time: iso(midnight + 10 * minute), count: 40 },
  ];
  assert.deepEqual(await reported(h, made), { accepted: 5, ignored: 0 });
  // Reported twice: counts add up.
  assert.deepEqual(await reported(h, [made[0]!, { tokenId: newId(), code: 'VALID', time: made[0]!.time, count: 9 }]), {
    accepted: 1,
    ignored: 1,
  });
  const deleted = await h.call(h.userToken, { method: 'DELETE', url: `/applications/${h.applicationId}/tokens/${gone.id}` });
  assert.equal(deleted.statusCode, 200);

  const tokenUsage = (id: string, query: Record<string, string>) =>
    h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens/${id}/usage`, query });
  const byMinute = await tokenUsage(a.id, { resolution: 'minute', start: iso(midnight + hour), end: iso(midnight + 3 * hour) });
  assert.equal(byMinute.statusCode, 200, byMinute.body);
  assert.deepEqual(byMinute.json(), {
    items: [
      { time: iso(midnight + 90 * minute), counts: { VALID: 24, RATE_LIMITED: 3 } },
      { time: iso(midnight + 2 * hour), counts: { VALID: 1 } },
    ],
    totals: { VALID: 25, RATE_LIMITED: 3 },
  });
  // Default resolution (hour) and range (the 24 hours before now).
  assert.deepEqual((await tokenUsage(a.id, {})).json(), {
    items: [
      { time: iso(midnight + hour), counts: { VALID: 24, RATE_LIMITED: 3 } },
      { time: iso(midnight + 2 * hour), counts: { VALID: 1 } },
    ],
    totals: { VALID: 25, RATE_LIMITED: 3 },
  });
  assert.deepEqual((await tokenUsage(a.id, { resolution: 'day' })).json(), {
    items: [{ time: iso(midnight), counts: { VALID: 25, RATE_LIMITED: 3 } }],
    totals: { VALID: 25, RATE_LIMITED: 3 },
  });
  // A range is [start, end): the start falls in the 01:00 bucket, the end excludes 02:00's.
  assert.deepEqual((await tokenUsage(a.id, { start: iso(midnight + 90 * minute), end: iso(midnight + 2 * hour) })).json().totals, {
    VALID: 24,
    RATE_LIMITED: 3,
  });
  assert.equal((await tokenUsage(gone.id, {})).statusCode, 404, 'a deleted token has no usage route');
  assert.equal((await tokenUsage(newId(), {})).statusCode, 404);

  const appUsage = await h.call(h.userToken, {
    method: 'GET',
    url: `/applications/${h.applicationId}/usage`,
    query: { resolution: 'day' },
  });
  assert.equal(appUsage.statusCode, 200, appUsage.body);
  assert.deepEqual(appUsage.json(), {
    items: [{ time: iso(midnight), counts: { VALID: 65, RATE_LIMITED: 3, USAGE_EXCEEDED: 2 } }],
    // Every verification reported for an existing token, the deleted one's included.
    totals: { VALID: 65, RATE_LIMITED: 3, USAGE_EXCEEDED: 2 },
    topTokens: [
      { apiTokenId: gone.id, total: 40, totals: { VALID: 40 } },
      { apiTokenId: a.id, name: 'alpha', total: 28, totals: { VALID: 25, RATE_LIMITED: 3 } },
      { apiTokenId: b.id, name: 'beta', total: 2, totals: { USAGE_EXCEEDED: 2 } },
    ],
  });
});

test('a user token has its usage under /me/tokens, and nobody else reads it', async (t) => {
  const h = await build(t, { introspectionSecret: secret });
  const created = await h.call(h.userToken, { method: 'POST', url: '/me/tokens', payload: { name: 'mine', scope: ['all.User.read'] } });
  assert.equal(created.statusCode, 201);
  const { id, token } = created.json();
  await reported(h, [{ tokenId: id, code: 'EXPIRED', time: iso(h.clock.now), count: 7 }]);
  // Each request to latchkey is a verification of its token: the token's own read counts itself.
  for (const [caller, totals] of [
    [h.userToken, { EXPIRED: 7 }],
    [token, { EXPIRED: 7, VALID: 1 }],
  ] as const) {
    const usage = await h.call(caller, { method: 'GET', url: `/me/tokens/${id}/usage` });
    assert.equal(usage.statusCode, 200, usage.body);
    assert.deepEqual(usage.json().totals, totals);
  }
  // As an application's token it does not exist.
  const asApp = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens/${id}/usage` });
  assert.equal(asApp.statusCode, 404);
});

test('usage queries and reports that cannot be answered say what to change', async (t) => {
  const h = await build(t, { introspectionSecret: secret });
  const a = await h.createToken({ name: 'a', scope: ['device.*'] });
  const url = `/applications/${h.applicationId}/tokens/${a.id}/usage`;
  const refused = async (query: Record<string, string>, message: RegExp) => {
    const response = await h.call(h.userToken, { method: 'GET', url, query });
    assert.equal(response.statusCode, 400, response.body);
    assert.equal(response.json().type, 'Validation');
    assert.match(response.json().message, message);
  };
  const now = h.clock.now;
  await refused({ start: iso(now), end: iso(now - hour) }, /start must be before end/);
  await refused({ start: iso(now), end: iso(now) }, /start must be before end/);
  await refused({ resolution: 'minute', start: iso(now - 49 * hour) }, /resolution=minute may span at most 48 hours.*resolution=hour/);
  await refused({ resolution: 'hour', start: iso(now - 91 * 24 * hour) }, /at most 90 days.*resolution=day/);
  await refused({ resolution: 'second' }, /resolution/);
  await refused({ start: 'yesterday' }, /start/);

  const future = await report(h, [{ tokenId: a.id, code: 'VALID', time: iso(now + 10 * minute), count: 1 }]);
  assert.equal(future.statusCode, 400);
  assert.match(future.json().message, /usage\[0\]\.time is in the future/);
  const badCode = await report(h, [{ tokenId: a.id, code: 'MAYBE', time: iso(now), count: 1 }]);
  assert.equal(badCode.statusCode, 400);
  assert.equal(badCode.json().type, 'Validation');
  // Nothing of a refused report was counted.
  assert.deepEqual((await h.call(h.userToken, { method: 'GET', url })).json().totals, {});
});

test('minute buckets age out after their retention while hours and days stay', async (t) => {
  const h = await build(t, { introspectionSecret: secret, usage: { pruneIntervalMs: 5, retention: { minuteMs: 2 * hour } } });
  h.clock.now = midnight + 10 * minute;
  const a = await h.createToken({ name: 'a', scope: ['device.*'] });
  await reported(h, [{ tokenId: a.id, code: 'VALID', time: iso(midnight + 5 * minute), count: 4 }]);
  const url = `/applications/${h.applicationId}/tokens/${a.id}/usage`;
  const read = async (resolution: string) =>
    (await h.call(h.userToken, { method: 'GET', url, query: { resolution, start: iso(midnight), end: iso(midnight + hour) } })).json()
      .totals;
  assert.deepEqual(await read('minute'), { VALID: 4 });
  // Three hours on, the next prune drops the minute bucket (older than 2 h).
  h.clock.now = midnight + 3 * hour;
  await nextEvent(h.store, (e) => e.kind === 'usage' && e.change === 'pruned');
  assert.deepEqual(await read('minute'), {});
  assert.deepEqual(await read('hour'), { VALID: 4 });
  assert.deepEqual(await read('day'), { VALID: 4 });
});

test("the writer's batches reach the store on their own: another node reads them without writing", async (t) => {
  const h = await build(t, { introspectionSecret: secret, usage: { flushIntervalMs: 5 } });
  const a = await h.createToken({ name: 'a', scope: ['device.*'] });
  const written = nextEvent(h.store, (e) => e.kind === 'usage' && e.change === 'added');
  await reported(h, [{ tokenId: a.id, code: 'VALID', time: iso(h.clock.now), count: 3 }]);
  await written;
  // A second app on the same store (a second node) has nothing of its own to write.
  const other = await buildApp({ store: h.store, now: () => h.clock.now });
  t.after(() => other.close());
  const usage = await other.inject({
    method: 'GET',
    url: `/applications/${h.applicationId}/tokens/${a.id}/usage`,
    headers: { authorization: `Bearer ${h.userToken}` },
  });
  assert.deepEqual(usage.json().totals, { VALID: 3 });
});

test('a batch the store refuses is kept and written with the next one: nothing is lost', async (t) => {
  const store = await openStore('sqlite::memory:');
  t.after(() => store.close());
  let failuresLeft = 2;
  let failed!: () => void;
  const bothFailed = new Promise<void>((resolve) => (failed = resolve));
  // The store as the app sees it: its first two usage writes fail (as when the database is away).
  const flaky = new Proxy(store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (name === 'addUsage') {
        return async (...args: Parameters<Store['addUsage']>) => {
          if (failuresLeft > 0) {
            if (--failuresLeft === 0) failed();
            throw new Error('database unreachable');
          }
          return target.addUsage(...args);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const app = await buildApp({ store: flaky, introspectionSecret: secret, usage: { flushIntervalMs: 5 } });
  t.after(() => app.close());
  const boot = await bootstrap(store, { email: 'o@example.com', password: 'correct horse battery', applicationName: 'A' });
  const h: Pick<Harness, 'call'> = {
    call: (token, options) => app.inject({ ...options, headers: { authorization: `Bearer ${token}` } }),
  };
  const created = await h.call(boot.token, {
    method: 'POST',
    url: `/applications/${boot.applicationId}/tokens`,
    payload: { name: 'a', scope: ['device.*'] },
  });
  const id = created.json().id as string;
  const now = Date.now();
  await reported(h, [{ tokenId: id, code: 'VALID', time: iso(now), count: 5 }]);
  await awaitTimers(bothFailed);
  await reported(h, [{ tokenId: id, code: 'DISABLED', time: iso(now), count: 1 }]);
  const usage = await h.call(boot.token, { method: 'GET', url: `/applications/${boot.applicationId}/tokens/${id}/usage` });
  assert.deepEqual(usage.json().totals, { VALID: 5, DISABLED: 1 });
});

test('closing the app writes the counts not yet written, before a store it owns closes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-usage-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const url = `sqlite:${join(dir, 'db.sqlite')}`;
  const store = await openStore(url);
  const boot = await bootstrap(store, { email: 'o@example.com', password: 'correct horse battery', applicationName: 'A' });
  // No batch would be written for an hour: only closing writes these.
  const app = await buildApp({ store, introspectionSecret: secret, closeStore: true, usage: { flushIntervalMs: hour } });
  const mine = await app.inject({ method: 'GET', url: '/me/tokens', headers: { authorization: `Bearer ${boot.token}` } });
  const tokenId = mine.json().items[0].id as string;
  const reply = await app.inject({
    method: 'POST',
    url: '/verify/usage',
    headers: { authorization: `Bearer ${secret}` },
    payload: { usage: [{ tokenId, code: 'VALID', time: iso(Date.now()), count: 2 }] },
  });
  assert.deepEqual(reply.json(), { accepted: 1, ignored: 0 });
  await app.close();
  await assert.rejects(store.ping(), 'the app closed the store it was given to close');

  const reopened = await openStore(url);
  t.after(() => reopened.close());
  const next = await buildApp({ store: reopened });
  t.after(() => next.close());
  const usage = await next.inject({
    method: 'GET',
    url: `/me/tokens/${tokenId}/usage`,
    headers: { authorization: `Bearer ${boot.token}` },
  });
  assert.equal(usage.statusCode, 200, usage.body);
  // The 2 reported, and the token's own two requests: the list before closing, this read after.
  assert.deepEqual(usage.json().totals, { VALID: 4 });
});

test('postgres: two nodes count concurrent reports into one total, exactly', async (t) => {
  if (await skipUnavailable(t, adapters[1]!)) return;
  const schema = await freshSchema(t);
  const [storeA, storeB] = [await openStore(postgresUrl, { schema }), await openStore(postgresUrl, { schema })];
  t.after(async () => {
    await storeA.close();
    await storeB.close();
  });
  const boot = await bootstrap(storeA, { email: 'o@example.com', password: 'correct horse battery', applicationName: 'A' });
  // Batches written every few ms on both nodes while reports arrive: their upserts meet on the same rows.
  const nodes = [storeA, storeB].map((store) => buildApp({ store, introspectionSecret: secret, usage: { flushIntervalMs: 2 } }));
  const [a, b] = await Promise.all(nodes);
  const headers = { authorization: `Bearer ${boot.token}` };
  const created = await a!.inject({
    method: 'POST',
    url: `/applications/${boot.applicationId}/tokens`,
    headers,
    payload: { name: 'shared', scope: ['device.*'] },
  });
  const id = created.json().id as string;
  const codes = ['VALID', 'RATE_LIMITED', 'USAGE_EXCEEDED'] as const;
  const expected: Record<string, number> = {};
  const time = iso(Date.now());
  await Promise.all(
    Array.from({ length: 200 }, (_, i) => {
      const code = codes[i % codes.length]!;
      const count = 1 + (i % 7);
      expected[code] = (expected[code] ?? 0) + count;
      return (i % 2 === 0 ? a! : b!).inject({
        method: 'POST',
        url: '/verify/usage',
        headers: { authorization: `Bearer ${secret}` },
        payload: { usage: [{ tokenId: id, code, time, count }] },
      });
    }),
  );
  // Each node writes what it still holds as it closes.
  await a!.close();
  await b!.close();
  const reader = await buildApp({ store: storeB });
  t.after(() => reader.close());
  const usage = await reader.inject({ method: 'GET', url: `/applications/${boot.applicationId}/usage`, headers });
  assert.deepEqual(usage.json().totals, expected);
  const sum = Object.values(expected).reduce((x, y) => x + y, 0);
  assert.deepEqual(usage.json().topTokens, [{ apiTokenId: id, name: 'shared', total: sum, totals: expected }]);
});

test('usage totals equal the verifications made: POST /verify, POST /introspect and requests to latchkey', async (t) => {
  const h = await build(t, { introspectionSecret: secret });
  const mint = async (payload: Record<string, unknown>) => {
    const res = await h.call(h.userToken, { method: 'POST', url: `/applications/${h.applicationId}/tokens`, payload });
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as { id: string; token: string };
  };
  const limited = await mint({ name: 'limited', ratelimits: [{ name: 'requests', limit: 3, duration: 60_000 }] });
  const metered = await mint({ name: 'metered', credits: { remaining: 2 } });
  const disabled = await mint({ name: 'disabled', status: 'inactive' });
  const verify = async (token: string) => {
    const res = await h.call(secret, { method: 'POST', url: '/verify', payload: { token } });
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as { code: string }).code;
  };
  const codes: string[] = [];
  for (let i = 0; i < 5; i++) codes.push(await verify(limited.token));
  for (let i = 0; i < 4; i++) codes.push(await verify(metered.token));
  codes.push(await verify(disabled.token));
  assert.deepEqual(codes, [
    'VALID',
    'VALID',
    'VALID',
    'RATE_LIMITED',
    'RATE_LIMITED',
    'VALID',
    'VALID',
    'USAGE_EXCEEDED',
    'USAGE_EXCEEDED',
    'DISABLED',
  ]);
  const introspected = await h.call(secret, { method: 'POST', url: '/introspect', payload: { token: metered.token } });
  assert.equal(introspected.json().active, true);

  const totals = async (id: string) => {
    const res = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens/${id}/usage` });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().totals as Record<string, number>;
  };
  assert.deepEqual(await totals(limited.id), { VALID: 3, RATE_LIMITED: 2 });
  assert.deepEqual(await totals(metered.id), { VALID: 3, USAGE_EXCEEDED: 2 });
  assert.deepEqual(await totals(disabled.id), { DISABLED: 1 });
  // The limited token's own request to latchkey is a verification too (its limit is used up: refused).
  const own = await h.call(limited.token, { method: 'GET', url: `/applications/${h.applicationId}` });
  assert.equal(own.statusCode, 429);
  assert.deepEqual(await totals(limited.id), { VALID: 3, RATE_LIMITED: 3 });
});
