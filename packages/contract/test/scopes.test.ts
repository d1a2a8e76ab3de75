import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  actionsOf,
  applicationScopes,
  authorityOf,
  firstUngrantable,
  grants,
  hasAcceptedScope,
  isAction,
  isKnownScope,
  userGroupScopes,
} from '../src/scopes.js';
import {
  actionEntries,
  deviceActions,
  deviceReadActions,
  entries,
  everyAction,
  isSubset,
  knownScopes,
  readActions,
  resourceActions,
  sorted,
  wildcardEntries,
} from './scope-oracle.js';

test('the catalogue is not trivially small', () => {
  assert.ok(everyAction.size >= 100);
  assert.ok(readActions.size > 0 && readActions.size < everyAction.size);
  assert.ok(deviceActions.size > 0 && deviceActions.size < everyAction.size);
  assert.ok(deviceReadActions.size > 0 && deviceReadActions.size < deviceActions.size);
});

test('all.Application, all.User and all.Organization hold every action', () => {
  for (const scope of ['all.Application', 'all.User', 'all.Organization']) {
    assert.deepEqual(sorted(actionsOf(scope)), sorted(everyAction), scope);
  }
});

test('the .read groups hold exactly the actions flagged read', () => {
  for (const scope of ['all.Application.read', 'all.User.read', 'all.Organization.read']) {
    assert.deepEqual(sorted(actionsOf(scope)), sorted(readActions), scope);
  }
  assert.ok(actionsOf('all.Application.read').has('applicationApiTokens.get'));
  assert.ok(!actionsOf('all.Application.read').has('applicationApiTokens.post'));
  assert.ok(!actionsOf('all.Application.read').has('events.delete'), 'events.delete is classified a write');
});

test('all.Device holds the device actions and all.Device.read the device read actions', () => {
  assert.deepEqual(sorted(actionsOf('all.Device')), sorted(deviceActions));
  assert.deepEqual(sorted(actionsOf('all.Device.read')), sorted(deviceReadActions));
  assert.ok(actionsOf('all.Device').has('device.sendState'));
  assert.ok(!actionsOf('all.Device').has('device.delete'));
  assert.ok(actionsOf('all.Device.read').has('device.getState'));
  assert.ok(!actionsOf('all.Device.read').has('device.sendState'));
});

test('the groups nest as documented', () => {
  const of = (s: string) => actionsOf(s);
  assert.ok(isSubset(of('all.Device.read'), of('all.Device')));
  assert.ok(isSubset(of('all.Device.read'), of('all.Application.read')));
  assert.ok(isSubset(of('all.Device'), of('all.Application')));
  assert.ok(isSubset(of('all.Application.read'), of('all.Application')));
  assert.ok(!isSubset(of('all.Application'), of('all.Application.read')));
  assert.ok(!isSubset(of('all.Device'), of('all.Application.read')), 'device writes are not reads');
  assert.ok(!isSubset(of('all.Application.read'), of('all.Device')));
});

test('each resource wildcard holds exactly its own resource actions', () => {
  for (const { scope, resource } of wildcardEntries) {
    const held = actionsOf(scope);
    assert.deepEqual(sorted(held), sorted(resourceActions(resource!)), scope);
    assert.ok(held.size > 0, `${scope} holds something`);
    for (const action of held) assert.ok(action.startsWith(`${resource}.`) && !action.slice(resource!.length + 1).includes('.'));
  }
  assert.deepEqual(sorted(actionsOf('applicationApiToken.*')), [
    'applicationApiToken.delete',
    'applicationApiToken.get',
    'applicationApiToken.patch',
  ]);
  assert.deepEqual(sorted(actionsOf('applicationApiTokens.*')), ['applicationApiTokens.get', 'applicationApiTokens.post']);
  assert.ok(!actionsOf('device.*').has('devices.get'));
  assert.ok(!actionsOf('devices.*').has('device.get'));
});

test('each action scope holds exactly itself', () => {
  for (const { scope } of actionEntries) assert.deepEqual([...actionsOf(scope)], [scope]);
});

test('unknown scopes hold nothing and are not known', () => {
  const unknown = [
    '',
    '*',
    '.*',
    'all',
    'all.*',
    'all.application',
    'ALL.APPLICATION',
    'all.Application.write',
    'all.Application.*',
    'all.Device.*',
    'all.Application ',
    ' all.Application',
    'device',
    'device.',
    'device.**',
    'device.*.*',
    'Device.get',
    'device.GET',
    'device.get.*',
    'devices',
    'nonexistent.*',
    'nonexistent.get',
    'application.*x',
    'x.application.*',
  ];
  for (const scope of unknown) {
    assert.equal(actionsOf(scope).size, 0, JSON.stringify(scope));
    assert.equal(isKnownScope(scope), false, JSON.stringify(scope));
    assert.equal(isAction(scope), false, JSON.stringify(scope));
    assert.equal(authorityOf([scope]).size, 0);
  }
});

// Scope names come from callers; names inherited from Object.prototype must not
// resolve to anything (regression: `groups` used to be an object literal).
const prototypeKeys = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf'];
test('Object.prototype names are unknown scopes that hold nothing', () => {
  for (const scope of prototypeKeys) {
    assert.equal(isKnownScope(scope), false, `isKnownScope(${scope})`);
    assert.equal(isAction(scope), false, `isAction(${scope})`);
    assert.equal(actionsOf(scope).size, 0, `actionsOf(${scope})`);
    assert.equal(actionsOf(`${scope}.*`).size, 0, `actionsOf(${scope}.*)`);
  }
});
test('Object.prototype names neither throw nor widen authority', () => {
  for (const scope of prototypeKeys) {
    assert.deepEqual(sorted(authorityOf(['device.get', scope])), ['device.get'], scope);
    assert.equal(grants(new Set(), scope), true, `${scope} holds nothing, so granting it adds nothing`);
    assert.equal(firstUngrantable(new Set(), [scope, 'device.get']), 'device.get');
  }
});

test('isKnownScope and isAction classify the catalogue', () => {
  for (const scope of knownScopes) assert.ok(isKnownScope(scope), scope);
  for (const entry of entries) assert.equal(isAction(entry.scope), entry.kind === 'action', entry.scope);
  for (const scope of userGroupScopes) assert.equal(isAction(scope), false);
});

test('applicationScopes lists the catalogue in order and userGroupScopes the user-level groups', () => {
  assert.deepEqual(
    applicationScopes,
    entries.map((e) => e.scope),
  );
  assert.equal(new Set(applicationScopes).size, applicationScopes.length);
  assert.deepEqual([...userGroupScopes].sort(), ['all.Organization', 'all.Organization.read', 'all.User', 'all.User.read']);
  for (const scope of userGroupScopes) assert.ok(!applicationScopes.includes(scope as never), `${scope} is not an application scope`);
});

test('authorityOf is the union of what each scope holds', () => {
  assert.equal(authorityOf([]).size, 0);
  assert.deepEqual(sorted(authorityOf(['device.get', 'device.get'])), ['device.get']);
  assert.deepEqual(sorted(authorityOf(['applicationApiTokens.*', 'device.get', 'bogus'])), [
    'applicationApiTokens.get',
    'applicationApiTokens.post',
    'device.get',
  ]);
  assert.deepEqual(sorted(authorityOf(['all.Device.read', 'all.Device'])), sorted(deviceActions));
  assert.deepEqual(sorted(authorityOf(new Set(['all.Application.read']))), sorted(readActions), 'takes any iterable');
});

test('grants and firstUngrantable on concrete cases', () => {
  const app = authorityOf(['all.Application']);
  for (const scope of applicationScopes) assert.ok(grants(app, scope), scope);
  const deviceRead = authorityOf(['all.Device.read']);
  assert.ok(grants(deviceRead, 'device.get'));
  assert.ok(grants(deviceRead, 'all.Device.read'));
  assert.ok(!grants(deviceRead, 'all.Device'));
  assert.ok(!grants(deviceRead, 'device.*'));
  assert.ok(!grants(authorityOf(['device.*']), 'all.Device'), 'all.Device also holds devices.* and data.* actions');
  assert.ok(!grants(authorityOf(['applicationApiToken.*']), 'applicationApiTokens.get'));
  assert.ok(!grants(authorityOf(['applicationApiTokens.*']), 'applicationApiToken.get'));
  assert.ok(grants(authorityOf(['applicationApiTokens.get', 'applicationApiTokens.post']), 'applicationApiTokens.*'));
  assert.ok(!grants(authorityOf(['all.Application.read']), 'all.Application'));
  assert.equal(firstUngrantable(deviceRead, []), undefined);
  assert.equal(firstUngrantable(deviceRead, ['device.get', 'device.sendState', 'device.delete']), 'device.sendState');
  assert.equal(firstUngrantable(new Set(), ['device.get']), 'device.get');
  assert.equal(firstUngrantable(app, ['all.Application', 'device.*', 'all.Device.read']), undefined);
});

test('hasAcceptedScope is literal membership of a held scope in the accepted list', () => {
  const accepted = new Set(['all.Application', 'applicationApiTokens.get']);
  assert.equal(hasAcceptedScope([], accepted), false);
  assert.equal(hasAcceptedScope(['applicationApiTokens.get'], accepted), true);
  assert.equal(hasAcceptedScope(['device.get', 'all.Application'], accepted), true);
  assert.equal(hasAcceptedScope(['device.get', 'applicationApiTokens.post'], accepted), false);
  assert.equal(hasAcceptedScope(['ALL.APPLICATION'], accepted), false);
  assert.equal(hasAcceptedScope(['all.Application'], new Set()), false);
});
