// Property (fast-check), beside the scope algebra's: no generated token escapes its
// creator's limits. Chains of tokens are made through the API (a user's token
// makes A, A makes B, B makes C, A patches B); a create or patch succeeds exactly
// when the oracle below says the result lies within the caller's limits, and what
// a chain's last token holds then lies within every ancestor's: attenuation is
// transitive, so no chain of grants escapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { build, type Harness } from './helpers/build.js';

interface Limit {
  name: string;
  limit: number;
  duration: number;
  autoApply: boolean;
}
interface Refill {
  amount: number;
  interval: 'daily' | 'monthly';
}
interface Limits {
  ratelimits: Limit[];
  credits: { remaining: number; refill?: Refill } | null;
}

// Values close together, so that generated limits often sit at or just past a bound.
const limitArb: fc.Arbitrary<Limit> = fc.record({
  name: fc.constantFrom('requests', 'burst', 'writes'),
  limit: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constantFrom(50, 100, 101, 1_000_000_000)),
  duration: fc.constantFrom(1_000, 2_000, 6_000, 60_000, 120_000, 2_592_000_000),
  autoApply: fc.boolean(),
});
const limitsArb: fc.Arbitrary<Limits> = fc.record({
  ratelimits: fc.uniqueArray(limitArb, { maxLength: 3, selector: (l) => l.name }),
  credits: fc.option(
    fc.record(
      {
        remaining: fc.integer({ min: 0, max: 12 }),
        refill: fc.record({ amount: fc.integer({ min: 1, max: 12 }), interval: fc.constantFrom<Refill['interval']>('daily', 'monthly') }),
      },
      { requiredKeys: ['remaining'] },
    ),
  ),
});

/** The oracle: `child` allows no more than `parent`, limit by limit, and spends no more. */
function within(child: Limits, parent: Limits): boolean {
  for (const own of parent.ratelimits) {
    const granted = child.ratelimits.find((l) => l.name === own.name);
    if (!granted) return false;
    // Per window no bigger a burst; over any long span (own.duration × granted.duration ms) no more requests.
    if (granted.limit > own.limit) return false;
    if (BigInt(granted.limit) * BigInt(own.duration) > BigInt(own.limit) * BigInt(granted.duration)) return false;
    if (own.autoApply && !granted.autoApply) return false;
  }
  if (parent.credits === null) return true;
  if (child.credits === null || child.credits.remaining > parent.credits.remaining) return false;
  const [refill, ownRefill] = [child.credits.refill, parent.credits.refill];
  if (!refill) return true;
  return ownRefill !== undefined && refill.amount <= ownRefill.amount && !(refill.interval === 'daily' && ownRefill.interval === 'monthly');
}

const scope = ['applicationApiTokens.*', 'applicationApiToken.*'];

async function create(h: Harness, token: string, name: string, limits: Limits) {
  return h.call(token, { method: 'POST', url: `/applications/${h.applicationId}/tokens`, payload: { name, scope, ...limits } });
}

/** What the API says a token holds, in the oracle's terms. */
function held(body: { ratelimits?: Limit[]; credits?: Limits['credits'] }): Limits {
  return { ratelimits: body.ratelimits ?? [], credits: body.credits ?? null };
}

test('no generated token escapes its creator’s limits, through any chain of creates and patches', async (t) => {
  const h = await build(t);
  let escapesTried = 0;
  await fc.assert(
    fc.asyncProperty(limitsArb, limitsArb, limitsArb, limitsArb, async (a, b, c, patched) => {
      const madeA = await create(h, h.userToken, 'a', a);
      assert.equal(madeA.statusCode, 201, madeA.body);
      const tokenA = madeA.json().token as string;
      const limitsA = held(madeA.json());

      const madeB = await create(h, tokenA, 'b', b);
      if (!within(b, limitsA)) escapesTried++;
      assert.equal(madeB.statusCode, within(b, limitsA) ? 201 : 403, madeB.body);
      if (madeB.statusCode !== 201) {
        assert.match(madeB.json().message, /^Cannot grant /);
        return;
      }
      const limitsB = held(madeB.json());
      assert.ok(within(limitsB, limitsA), 'what B holds lies within A');

      const madeC = await create(h, madeB.json().token as string, 'c', c);
      assert.equal(madeC.statusCode, within(c, limitsB) ? 201 : 403, madeC.body);
      if (madeC.statusCode === 201) {
        const limitsC = held(madeC.json());
        assert.ok(within(limitsC, limitsB) && within(limitsC, limitsA), 'C lies within B and within A');
      }

      const patch = await h.call(tokenA, {
        method: 'PATCH',
        url: `/applications/${h.applicationId}/tokens/${madeB.json().id}`,
        payload: patched,
      });
      assert.equal(patch.statusCode, within(patched, limitsA) ? 200 : 403, patch.body);
      const afterPatch = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens/${madeB.json().id}` });
      assert.ok(within(held(afterPatch.json()), limitsA), 'B still lies within A after the patch, applied or refused');
    }),
    { numRuns: 150 },
  );
  assert.ok(escapesTried > 10, `the generators try to escape often enough (${escapesTried} of 150)`);
});
