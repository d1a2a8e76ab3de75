// Token limits (ratelimits, credits, meta) on application and user tokens, through
// the API: create, get, list and patch; what the schemas cannot say (validation);
// the balance reads show across a refill; and that a token without limits is
// exactly Losant's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, type Harness } from './helpers/build.js';

const dayMs = 86_400_000;

/** The two token resources, so every case runs on both. */
const resources = [
  { name: 'application tokens', base: (h: Harness) => `/applications/${h.applicationId}/tokens`, scope: ['all.Application'] },
  { name: 'user tokens', base: () => '/me/tokens', scope: ['all.User'] },
] as const;

const limits = {
  ratelimits: [
    { name: 'requests', limit: 100, duration: 60_000 },
    { name: 'tokens.burst', limit: 5, duration: 1_000, autoApply: false },
  ],
  credits: { remaining: 1000, refill: { amount: 1000, interval: 'monthly', refillDay: 31 } },
  meta: { plan: 'pro', nested: { seats: [1, 2, 3] }, note: null },
};

const losantKeys = [
  'apiTokenId',
  'creationDate',
  'creatorId',
  'creatorName',
  'creatorType',
  'description',
  'id',
  'lastUpdated',
  'name',
  'ownerId',
  'ownerType',
  'scope',
  'status',
];

for (const resource of resources) {
  const post = (h: Harness, payload: object, token = h.userToken) =>
    h.call(token, { method: 'POST', url: resource.base(h), payload: { scope: resource.scope, ...payload } });
  const get = (h: Harness, id: string) => h.call(h.userToken, { method: 'GET', url: `${resource.base(h)}/${id}` });
  const patch = (h: Harness, id: string, payload: object, token = h.userToken) =>
    h.call(token, { method: 'PATCH', url: `${resource.base(h)}/${id}`, payload });
  const listed = async (h: Harness, id: string) => {
    const res = await h.call(h.userToken, { method: 'GET', url: resource.base(h) });
    assert.equal(res.statusCode, 200);
    return (res.json().items as Array<Record<string, unknown>>).find((item) => item.id === id);
  };

  test(`${resource.name}: limits are stored on create and shown by create, get and list`, async (t) => {
    const h = await build(t);
    const created = await post(h, { name: 'limited', ...limits });
    assert.equal(created.statusCode, 201, created.body);
    const expected = {
      ratelimits: [
        { name: 'requests', limit: 100, duration: 60_000, autoApply: true },
        { name: 'tokens.burst', limit: 5, duration: 1_000, autoApply: false },
      ],
      credits: limits.credits,
      meta: limits.meta,
    };
    const id = created.json().id as string;
    const read = (await get(h, id)).json();
    for (const body of [created.json(), read, await listed(h, id)]) {
      assert.deepEqual(body?.ratelimits, expected.ratelimits);
      assert.deepEqual(body?.credits, expected.credits);
      assert.deepEqual(body?.meta, expected.meta);
    }
  });

  test(`${resource.name}: a token without limits renders exactly as Losant's, with no new keys`, async (t) => {
    const h = await build(t);
    const created = await post(h, { name: 'plain' });
    assert.equal(created.statusCode, 201);
    const id = created.json().id as string;
    assert.deepEqual(Object.keys(created.json()).sort(), [...losantKeys, 'token'].sort());
    assert.deepEqual(Object.keys((await get(h, id)).json()).sort(), losantKeys);
    assert.deepEqual(Object.keys((await listed(h, id))!).sort(), losantKeys);
    // credits null on create is "unlimited": the same as leaving it out.
    const unlimited = await post(h, { name: 'unlimited', credits: null, ratelimits: [] });
    assert.deepEqual(Object.keys(unlimited.json()).sort(), [...losantKeys, 'token'].sort());
  });

  test(`${resource.name}: patch sets, replaces and clears each limit`, async (t) => {
    const h = await build(t);
    const id = (await post(h, { name: 'p', ...limits })).json().id as string;

    const topUp = await patch(h, id, { credits: { remaining: 7 } });
    assert.equal(topUp.statusCode, 200, topUp.body);
    assert.deepEqual(topUp.json().credits, { remaining: 7, refill: limits.credits.refill }, 'the refill stays');

    const refillOnly = await patch(h, id, { credits: { refill: { amount: 50, interval: 'daily' } } });
    assert.deepEqual(refillOnly.json().credits, { remaining: 7, refill: { amount: 50, interval: 'daily' } }, 'the balance stays');

    const noRefill = await patch(h, id, { credits: { refill: null } });
    assert.deepEqual(noRefill.json().credits, { remaining: 7 });

    const replaced = await patch(h, id, { ratelimits: [{ name: 'other', limit: 3, duration: 2_000 }], meta: { v: 2 } });
    assert.deepEqual(replaced.json().ratelimits, [{ name: 'other', limit: 3, duration: 2_000, autoApply: true }]);
    assert.deepEqual(replaced.json().meta, { v: 2 });

    const cleared = await patch(h, id, { ratelimits: [], credits: null, meta: null });
    assert.equal(cleared.statusCode, 200);
    assert.deepEqual(Object.keys(cleared.json()).sort(), losantKeys);
    assert.deepEqual(Object.keys((await get(h, id)).json()).sort(), losantKeys);

    const again = await patch(h, id, { credits: { remaining: 0 } });
    assert.deepEqual(again.json().credits, { remaining: 0 }, 'a token without credits gains them with a balance');
  });

  test(`${resource.name}: what the schema cannot say is refused with 400 saying what to fix`, async (t) => {
    const h = await build(t);
    const cases: Array<[object, RegExp]> = [
      [
        {
          ratelimits: [
            { name: 'requests', limit: 1, duration: 1_000 },
            { name: 'requests', limit: 2, duration: 2_000 },
          ],
        },
        /^ratelimits: the name "requests" is used twice/,
      ],
      [{ credits: { remaining: 1, refill: { amount: 1, interval: 'daily', refillDay: 3 } } }, /refillDay applies to a monthly refill only/],
      // 'é' is 2 bytes in UTF-8: 2043 of them and {"text":""} are 4097 bytes.
      [{ meta: { text: 'é'.repeat(2043) } }, /^meta is 4097 bytes serialized; at most 4096/],
    ];
    assert.equal((await post(h, { name: 'ok', meta: { text: 'é'.repeat(2042) } })).statusCode, 201, '4095 bytes are kept');
    const existing = (await post(h, { name: 'target' })).json().id as string;
    for (const [payload, message] of cases) {
      for (const res of [await post(h, { name: 'bad', ...payload }), await patch(h, existing, payload)]) {
        assert.equal(res.statusCode, 400, JSON.stringify(payload));
        assert.equal(res.json().type, 'Validation');
        assert.match(res.json().message, message);
      }
    }
    const noBalance = await patch(h, existing, { credits: { refill: { amount: 10, interval: 'daily' } } });
    assert.equal(noBalance.statusCode, 400);
    assert.equal(noBalance.json().type, 'Validation');
    assert.match(noBalance.json().message, /^credits\.remaining is required: the token has no credits yet/);
    assert.equal((await get(h, existing)).json().credits, undefined, 'nothing was written');
  });

  test(`${resource.name}: reads show the balance refilled once its refill time has passed, before any spend`, async (t) => {
    const h = await build(t);
    // Noon UTC, so the next refill (00:00 UTC) is half a day away.
    h.clock.now = Math.floor(h.clock.now / dayMs) * dayMs + dayMs / 2;
    const id = (await post(h, { name: 'r', credits: { remaining: 5, refill: { amount: 100, interval: 'daily' } } })).json().id as string;
    assert.equal((await get(h, id)).json().credits.remaining, 5);
    assert.equal(((await listed(h, id))!.credits as { remaining: number }).remaining, 5);
    h.clock.now += dayMs / 2 - 1;
    assert.equal((await get(h, id)).json().credits.remaining, 5, 'one millisecond before the refill');
    h.clock.now += 1;
    assert.equal((await get(h, id)).json().credits.remaining, 100, 'at 00:00 UTC');
    assert.equal(((await listed(h, id))!.credits as { remaining: number }).remaining, 100);
    // Set by a patch after the refill: the new balance counts from now.
    assert.equal((await patch(h, id, { credits: { remaining: 2 } })).json().credits.remaining, 2);
    h.clock.now += dayMs - 1;
    assert.equal((await get(h, id)).json().credits.remaining, 2);
    h.clock.now += 1;
    assert.equal((await get(h, id)).json().credits.remaining, 100);
    // A patch of the refill alone keeps the balance as it stands: the due refill is not lost.
    const kept = await patch(h, id, { credits: { refill: { amount: 300, interval: 'daily' } } });
    assert.equal(kept.json().credits.remaining, 100);
  });

  test(`${resource.name}: a change of limits is audited as an update of the token`, async (t) => {
    const h = await build(t);
    const id = (await post(h, { name: 'a' })).json().id as string;
    assert.equal(
      (await patch(h, id, { credits: { remaining: 3 }, ratelimits: [{ name: 'x', limit: 1, duration: 1_000 }] })).statusCode,
      200,
    );
    const { items } = await h.store.listAudit({ sortDirection: 'desc', page: 0, perPage: 10 });
    const entry = items.find((e) => e.targetId === id && e.action.endsWith('ApiToken.update'));
    assert.ok(entry, 'an update entry for the token');
    assert.equal(entry.outcome, 'success');
  });
}
