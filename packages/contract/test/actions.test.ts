import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actions, type ActionName } from '../src/actions.js';
import { actionsOf, hasAcceptedScope, isAction, isKnownScope } from '../src/scopes.js';
import { knownScopes, sorted } from './scope-oracle.js';

const entries = Object.entries(actions) as [ActionName, ReadonlySet<string>][];

test('every HTTP action is a catalogue action with a non-empty accepted list', () => {
  assert.ok(entries.length > 0);
  for (const [name, accepted] of entries) {
    assert.ok(isAction(name), name);
    assert.ok(accepted.size > 0, name);
    assert.ok(accepted.has(name), `${name} accepts its own action scope`);
  }
});

test('every accepted scope is known and holds the action', () => {
  for (const [name, accepted] of entries) {
    for (const scope of accepted) {
      assert.ok(isKnownScope(scope), `${name}: ${scope} is a known scope`);
      assert.ok(actionsOf(scope).has(name), `${name}: ${scope} holds it`);
    }
  }
});

// Authorization matches accepted lists literally while attenuation uses the algebra;
// a scope that holds an action but is missing from its list would let a token be
// granted a power it can never use, so the two must name the same scopes.
test('every known scope that holds the action is accepted', () => {
  for (const [name, accepted] of entries) {
    const holders = knownScopes.filter((scope) => actionsOf(scope).has(name));
    assert.deepEqual(sorted(accepted), sorted(holders), name);
  }
});

test('the collection actions accept the documented Losant lists', () => {
  assert.deepEqual(sorted(actions['applicationApiTokens.get']), [
    'all.Application', 'all.Application.read', 'all.Organization', 'all.Organization.read',
    'all.User', 'all.User.read', 'applicationApiTokens.*', 'applicationApiTokens.get',
  ]);
  assert.deepEqual(sorted(actions['applicationApiTokens.post']), [
    'all.Application', 'all.Organization', 'all.User', 'applicationApiTokens.*', 'applicationApiTokens.post',
  ]);
});

test('singular applicationApiToken scopes and plural applicationApiTokens actions do not mix', () => {
  for (const plural of ['applicationApiTokens.get', 'applicationApiTokens.post']) {
    assert.ok(!actionsOf('applicationApiToken.*').has(plural), `applicationApiToken.* holds ${plural}`);
  }
  for (const singular of ['applicationApiToken.get', 'applicationApiToken.patch', 'applicationApiToken.delete']) {
    assert.ok(!actionsOf('applicationApiTokens.*').has(singular), `applicationApiTokens.* holds ${singular}`);
  }
  // An action's list names only its own resource's scopes, never the sibling's.
  for (const [name, accepted] of entries) {
    const sibling = name.startsWith('applicationApiTokens.') ? 'applicationApiToken.' : 'applicationApiTokens.';
    for (const scope of accepted) assert.ok(!scope.startsWith(sibling), `${name} accepts ${scope}`);
  }
});

test('hasAcceptedScope over the real lists', () => {
  const get = actions['applicationApiTokens.get'];
  const post = actions['applicationApiTokens.post'];
  assert.ok(hasAcceptedScope(['all.Application.read'], get));
  assert.ok(!hasAcceptedScope(['all.Application.read'], post), 'read-only callers may not create tokens');
  assert.ok(hasAcceptedScope(['device.get', 'applicationApiTokens.*'], post));
  for (const held of [[], ['applicationApiToken.*'], ['applicationApiToken.get'], ['all.Device'], ['all.Device.read'], ['devices.*']]) {
    assert.ok(!hasAcceptedScope(held, get), `${held} lists tokens`);
    assert.ok(!hasAcceptedScope(held, post), `${held} creates tokens`);
  }
});
