import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actions, type ActionName } from '../src/actions.js';
import { routes } from '../src/route-table.js';
import { actionsOf, hasAcceptedScope, isAction, isKnownScope } from '../src/scopes.js';
import { knownScopes, sorted } from './scope-oracle.js';

const allEntries = Object.entries(actions) as [ActionName, ReadonlySet<string>][];
// Application-level actions are in the catalogue and obey the algebra; user-level
// ones (me, user tokens, collections, orgs) are reached only through the user groups.
const entries = allEntries.filter(([name]) => isAction(name));
// latchkey's own actions that extend a Losant action accept exactly its list: whoever
// may read a token (or list an application's) may read its usage, and whoever may
// update one may rotate it.
const extending: Partial<Record<ActionName, ActionName>> = {
  'applicationApiTokenUsage.get': 'applicationApiToken.get',
  'applicationUsage.get': 'applicationApiTokens.get',
  'userApiTokenUsage.get': 'userApiToken.get',
  // Whoever may update a token may give it a new secret.
  'applicationApiToken.rotate': 'applicationApiToken.patch',
  'userApiToken.rotate': 'userApiToken.patch',
};
// latchkey's own application actions (not Losant's): the table's actions on one
// application (`:applicationId` in the path) that Losant's catalogue lacks; reads
// open to every read scope.
const ownApplicationActions = new Set<string>(
  allEntries.map(([name]) => name).filter((name) => !isAction(name) && !extending[name] && routes[name].path.includes(':applicationId')),
);
const userLevel = allEntries.filter(([name]) => !isAction(name) && !ownApplicationActions.has(name) && !extending[name]);

test('an action extending a Losant action accepts exactly what that action accepts', () => {
  for (const [name, base] of Object.entries(extending) as [ActionName, ActionName][]) {
    assert.ok(!isAction(name), `${name} is latchkey's own`);
    assert.deepEqual(sorted(actions[name]), sorted(actions[base]), name);
  }
});

test('every HTTP action has a non-empty accepted list naming its own action scope', () => {
  assert.ok(entries.length >= 5);
  for (const [name, accepted] of allEntries) {
    assert.ok(accepted.size > 0, name);
    if (!ownApplicationActions.has(name) && !extending[name]) assert.ok(accepted.has(name), `${name} accepts its own action scope`);
  }
});

test("latchkey's own application actions accept exactly the read groups, or the write groups for a write", () => {
  assert.ok(ownApplicationActions.has('applicationAuditLogs.get'));
  assert.ok(ownApplicationActions.has('applicationTokenWebhooks.post'));
  for (const name of ownApplicationActions) {
    const expected =
      routes[name as ActionName].access === 'write'
        ? ['all.Application', 'all.Organization', 'all.User']
        : ['all.Application', 'all.Application.read', 'all.Organization', 'all.Organization.read', 'all.User', 'all.User.read'];
    assert.deepEqual(sorted(actions[name as ActionName]), expected, name);
  }
});

test('user-level actions accept all.User, and never an application-level group', () => {
  assert.ok(userLevel.length > 0);
  for (const [name, accepted] of userLevel) {
    assert.ok(accepted.has('all.User'), name);
    for (const scope of accepted) assert.ok(!scope.startsWith('all.Application') && !scope.startsWith('all.Device'), `${name}: ${scope}`);
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
    'all.Application',
    'all.Application.read',
    'all.Organization',
    'all.Organization.read',
    'all.User',
    'all.User.read',
    'applicationApiTokens.*',
    'applicationApiTokens.get',
  ]);
  assert.deepEqual(sorted(actions['applicationApiTokens.post']), [
    'all.Application',
    'all.Organization',
    'all.User',
    'applicationApiTokens.*',
    'applicationApiTokens.post',
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
