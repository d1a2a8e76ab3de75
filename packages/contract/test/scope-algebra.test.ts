// Property tests of the scope algebra against the oracle in scope-oracle.ts.
// 13,000 runs in all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { actionsOf, authorityOf, firstUngrantable, grants, isAction, isKnownScope } from '../src/scopes.js';
import { everyAction, expectedActions, expectedAuthority, isSubset, knownScopes, scopeArb, scopeListArb, sorted } from './scope-oracle.js';

/** A holder's scopes with its authority, and the known scopes that fit inside it. */
const holder = scopeListArb.map((held) => {
  const authority = expectedAuthority(held);
  const containedScopes = knownScopes.filter((s) => isSubset(expectedActions(s), authority));
  return { held, authority, containedScopes };
});

test('actionsOf agrees with the catalogue on any scope', () => {
  fc.assert(
    fc.property(scopeArb, (scope) => {
      assert.deepEqual(sorted(actionsOf(scope)), sorted(expectedActions(scope)));
      assert.equal(isKnownScope(scope), knownScopes.includes(scope));
      assert.equal(isAction(scope), everyAction.has(scope));
    }),
    { numRuns: 2000 },
  );
});

test('authorityOf is the order-independent union of actionsOf', () => {
  fc.assert(
    fc.property(scopeListArb, scopeListArb, (a, b) => {
      const ab = authorityOf([...a, ...b]);
      assert.deepEqual(sorted(ab), sorted(expectedAuthority([...a, ...b])));
      assert.deepEqual(sorted(ab), sorted(new Set([...authorityOf(a), ...authorityOf(b)])));
      assert.deepEqual(sorted(authorityOf([...b, ...a].reverse())), sorted(ab));
    }),
    { numRuns: 1000 },
  );
});

test('grants(authorityOf(held), s) holds iff actionsOf(s) is within authorityOf(held)', () => {
  const scopeAndHolder = fc.oneof(
    fc.tuple(scopeArb, holder),
    // Bias towards scopes that do fit, so both outcomes are common.
    holder.chain((h) => fc.tuple(h.containedScopes.length ? fc.constantFrom(...h.containedScopes) : scopeArb, fc.constant(h))),
  );
  let granted = 0;
  fc.assert(
    fc.property(scopeAndHolder, ([scope, { held, authority }]) => {
      const expected = isSubset(expectedActions(scope), authority);
      assert.equal(grants(authorityOf(held), scope), expected);
      assert.equal(grants(authorityOf(held), scope), isSubset(actionsOf(scope), authorityOf(held)));
      if (expected) granted++;
    }),
    { numRuns: 3000 },
  );
  assert.ok(granted > 600 && granted < 2400, `both outcomes exercised (${granted} granted of 3000)`);
});

test('every subset of a holder actions, as action scopes, is grantable', () => {
  const subset = holder.chain((h) => fc.tuple(fc.constant(h), fc.shuffledSubarray([...h.authority])));
  fc.assert(
    fc.property(subset, ([{ held }, actions]) => {
      assert.equal(firstUngrantable(authorityOf(held), actions), undefined);
    }),
    { numRuns: 1500 },
  );
});

test('every wildcard or group fully within a holder authority is grantable', () => {
  const subset = holder.chain((h) => fc.tuple(fc.constant(h), fc.shuffledSubarray(h.containedScopes)));
  fc.assert(
    fc.property(subset, ([{ held }, scopes]) => {
      assert.equal(firstUngrantable(authorityOf(held), scopes), undefined);
      // A holder can always re-grant exactly what it holds.
      assert.equal(firstUngrantable(authorityOf(held), held), undefined);
    }),
    { numRuns: 1500 },
  );
});

test('no token stronger than its creator: accepted requests stay within the creator authority', () => {
  const request = holder.chain((h) =>
    fc.tuple(
      fc.constant(h),
      fc.array(
        h.containedScopes.length
          ? fc.oneof({ arbitrary: fc.constantFrom(...h.containedScopes), weight: 6 }, { arbitrary: scopeArb, weight: 1 })
          : scopeArb,
        { maxLength: 6 },
      ),
    ),
  );
  let accepted = 0;
  fc.assert(
    fc.property(request, ([{ held, authority }, requested]) => {
      const refused = firstUngrantable(authorityOf(held), requested);
      if (refused === undefined) {
        accepted++;
        assert.ok(isSubset(expectedAuthority(requested), authority), `${requested} exceeds ${held}`);
        assert.ok(isSubset(authorityOf(requested), authorityOf(held)));
      } else {
        // It names the first scope in the request that is not within the authority.
        const index = requested.indexOf(refused);
        assert.ok(index >= 0, 'the refused scope was requested');
        assert.ok(!isSubset(expectedActions(refused), authority), `${refused} is within ${held}`);
        for (const earlier of requested.slice(0, index)) assert.ok(isSubset(expectedActions(earlier), authority));
      }
    }),
    { numRuns: 3000 },
  );
  assert.ok(accepted > 600 && accepted < 2400, `both outcomes exercised (${accepted} accepted of 3000)`);
});

test('attenuation is transitive: a grantee can only re-grant within the original authority', () => {
  const chain = holder.chain((h) => fc.tuple(fc.constant(h), fc.shuffledSubarray(h.containedScopes), fc.array(scopeArb, { maxLength: 6 })));
  fc.assert(
    fc.property(chain, ([{ held, authority }, child, grandchild]) => {
      assert.equal(firstUngrantable(authorityOf(held), child), undefined);
      if (firstUngrantable(authorityOf(child), grandchild) === undefined) {
        assert.ok(isSubset(authorityOf(grandchild), authority));
      }
    }),
    { numRuns: 1000 },
  );
});
