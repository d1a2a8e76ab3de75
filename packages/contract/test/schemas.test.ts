import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import {
  apiTokenSchema,
  apiTokensQuerySchema,
  apiTokensSchema,
  applicationApiTokenPostSchema,
  createdApiTokenSchema,
} from '../src/schemas/api-token.js';
import { errorSchema, errorTypes } from '../src/schemas/error.js';
import { limitPostProperties, limitProperties } from '../src/schemas/limits.js';
import { applicationScopes } from '../src/scopes.js';
import { missingReason, readReference } from './reference.js';

interface ObjectSchema {
  properties: Record<string, unknown>;
  required?: string[];
  additionalProperties?: boolean;
}

function newAjv(options: Options = {}) {
  const ajv = new Ajv({ allErrors: true, strict: true, ...options });
  addFormats.default(ajv);
  return ajv;
}
const ajv = newAjv();
const without = (object: object, ...keys: string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(object).filter(([k]) => !keys.includes(k)));
/** latchkey's additions to Losant's token objects (schemas/limits.ts). */
const limitKeys = Object.keys(limitProperties);
const pick = (object: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, object[k]]));

const id = '5f2b1c0e9d3a4b5c6d7e8f90';
const token = {
  id,
  apiTokenId: id,
  ownerId: '5f2b1c0e9d3a4b5c6d7e8f91',
  ownerType: 'application',
  creatorId: '5f2b1c0e9d3a4b5c6d7e8f92',
  creatorType: 'user',
  creatorName: 'Ada',
  name: 'deploy',
  description: '',
  creationDate: '2024-05-01T12:00:00.000Z',
  lastUpdated: '2024-05-01T12:00:00.000Z',
  expirationDate: '2025-05-01T12:00:00.000Z',
  lastUsed: '2024-05-02T08:30:00.123Z',
  scope: ['all.Application.read'],
  status: 'active',
};

// latchkey's optional record of rotation and revocation: dates, never required.
const rotationKeys = ['rotatedAt', 'previousSecretExpiresAt', 'previousSecretLastUsed', 'revokedAt'] as const;

test('apiTokenSchema has the reference API Token properties, less token, plus lastUsed, the limits and rotation', (t) => {
  const reference = readReference('apiToken.json') as ObjectSchema | undefined;
  if (reference === undefined) return t.skip(missingReason('apiToken.json'));
  assert.deepEqual(without(apiTokenSchema.properties, 'lastUsed', ...limitKeys, ...rotationKeys), without(reference.properties, 'token'));
  for (const key of rotationKeys) {
    assert.deepEqual(apiTokenSchema.properties[key], reference.properties.lastUpdated, `${key} is a date-time`);
    assert.ok(!(apiTokenSchema.required as readonly string[]).includes(key), `${key} is optional`);
  }
  assert.deepEqual(pick(apiTokenSchema.properties, limitKeys), limitProperties);
  assert.deepEqual(apiTokenSchema.properties.lastUsed, reference.properties.lastUpdated, 'lastUsed is a date-time');
  assert.ok(!('token' in apiTokenSchema.properties), 'a token read back never carries its secret');
});

test('createdApiTokenSchema is apiTokenSchema plus a required token', (t) => {
  assert.deepEqual(without(createdApiTokenSchema.properties, 'token'), apiTokenSchema.properties);
  assert.deepEqual([...createdApiTokenSchema.required].sort(), [...apiTokenSchema.required, 'token'].sort());
  const reference = readReference('apiToken.json') as ObjectSchema | undefined;
  if (reference === undefined) return t.skip(missingReason('apiToken.json'));
  assert.deepEqual(createdApiTokenSchema.properties.token, reference.properties.token);
});

test('the items of apiTokensSchema are read-back tokens, without token', () => {
  assert.equal(apiTokensSchema.properties.items.items, apiTokenSchema);
});

test('applicationApiTokenPostSchema matches the reference Application API Token Post, plus the limits', (t) => {
  assert.equal(applicationApiTokenPostSchema.additionalProperties, false);
  assert.deepEqual(applicationApiTokenPostSchema.required, ['name']);
  assert.deepEqual(applicationApiTokenPostSchema.properties.scope.items.enum, applicationScopes);
  const reference = readReference('applicationApiTokenPost.json') as ObjectSchema | undefined;
  if (reference === undefined) return t.skip(missingReason('applicationApiTokenPost.json'));
  assert.deepEqual(without(applicationApiTokenPostSchema.properties, ...limitKeys), reference.properties);
  assert.deepEqual(pick(applicationApiTokenPostSchema.properties, limitKeys), limitPostProperties);
  assert.equal(reference.additionalProperties, false);
  assert.deepEqual(reference.required, ['name']);
});

test('apiTokenSchema and createdApiTokenSchema validate instances', () => {
  const validToken = ajv.compile(apiTokenSchema);
  const validCreated = ajv.compile(createdApiTokenSchema);
  assert.ok(validToken(token), ajv.errorsText(validToken.errors));
  assert.ok(validToken(without(token, 'lastUsed')));
  assert.ok(validCreated({ ...token, token: 'lka_x' }), ajv.errorsText(validCreated.errors));
  assert.ok(!validCreated(token), 'the 201 body must carry token');
  for (const key of apiTokenSchema.required) assert.ok(!validToken(without(token, key)), `without ${key}`);
  const invalid: Record<string, unknown>[] = [
    { id: 'not-an-id' },
    { id: `${id}0` },
    { ownerId: id.slice(1) },
    { ownerType: 'organization' },
    { creatorType: 'robot' },
    { name: '' },
    { name: 'x'.repeat(256) },
    { status: 'revoked' },
    { scope: 'all.Application' },
    { scope: [''] },
    { creationDate: '2024-05-01' },
    { lastUpdated: 'yesterday' },
    { expirationDate: 1714564800000 },
    { lastUsed: '2024-13-01T00:00:00Z' },
  ];
  for (const patch of invalid) assert.ok(!validToken({ ...token, ...patch }), JSON.stringify(patch));
});

test('applicationApiTokenPostSchema validates request bodies', () => {
  const valid = ajv.compile(applicationApiTokenPostSchema);
  const good = [
    { name: 'x' },
    { name: 'n'.repeat(255), description: '', status: 'inactive', scope: [] },
    { name: 'deploy', expirationDate: '2030-01-01T00:00:00.000Z', scope: ['all.Application', 'device.get', 'device.*'] },
    { name: 'all', scope: [...applicationScopes] },
  ];
  for (const body of good) assert.ok(valid(body), `${JSON.stringify(body).slice(0, 80)}: ${ajv.errorsText(valid.errors)}`);
  const bad = [
    {},
    { name: '' },
    { name: 'n'.repeat(256) },
    { name: 1 },
    { name: 'x', scope: ['all.User'] },
    { name: 'x', scope: ['all.Organization.read'] },
    { name: 'x', scope: ['device.get', 'device.get'] },
    { name: 'x', scope: ['no.such'] },
    { name: 'x', scope: 'all.Application' },
    { name: 'x', status: 'deleted' },
    { name: 'x', expirationDate: 'tomorrow' },
    { name: 'x', token: 'lka_x' },
    { name: 'x', ownerId: id },
    { name: 'x', description: 'd'.repeat(32768) },
  ];
  for (const body of bad) assert.ok(!valid(body), JSON.stringify(body));
});

test('applicationApiTokenPostSchema and the reference agree on arbitrary bodies', (t) => {
  const reference = readReference('applicationApiTokenPost.json') as (ObjectSchema & { $schema?: string }) | undefined;
  if (reference === undefined) return t.skip(missingReason('applicationApiTokenPost.json'));
  // The reference declares draft-04; its keywords here mean the same in draft-07.
  const validReference = newAjv().compile(without(reference, '$schema'));
  const valid = ajv.compile(applicationApiTokenPostSchema);
  const value = fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.boolean(), fc.constant(null));
  // Mostly valid fields, so that valid and invalid bodies are both common.
  const field = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<unknown>) =>
    fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: invalid, weight: 1 });
  const body = fc
    .record(
      {
        name: field(fc.string({ minLength: 1, maxLength: 255 }), fc.oneof(fc.constantFrom('', 'n'.repeat(256)), value)),
        description: field(fc.string(), value),
        expirationDate: field(
          fc.date({ noInvalidDate: true, min: new Date(0), max: new Date('9999-12-31') }).map((d) => d.toISOString()),
          value,
        ),
        scope: field(
          fc.uniqueArray(fc.constantFrom(...applicationScopes), { maxLength: 4 }),
          fc.oneof(fc.array(fc.constantFrom(...applicationScopes, 'all.User', 'bogus'), { minLength: 2, maxLength: 4 }), value),
        ),
        status: field(fc.constantFrom('active', 'inactive'), fc.oneof(fc.constant('other'), value)),
        extra: value,
      },
      { requiredKeys: [] },
    )
    .map(({ extra, ...rest }) => (extra === null ? { ...rest, extra } : rest));
  let accepted = 0;
  fc.assert(
    fc.property(body, (candidate) => {
      const verdict = valid(candidate);
      assert.equal(verdict, validReference(candidate), JSON.stringify(candidate));
      if (verdict) accepted++;
    }),
    { numRuns: 1000 },
  );
  assert.ok(accepted > 100 && accepted < 900, `both verdicts exercised (${accepted} valid of 1000)`);
});

test('apiTokensQuerySchema applies Losant defaults and accepts the client parameters', () => {
  const valid = newAjv({ useDefaults: true, coerceTypes: true }).compile(apiTokensQuerySchema);
  const query: Record<string, unknown> = { _actions: 'false', _links: 'true', _embedded: 'true' };
  assert.ok(valid(query));
  assert.deepEqual(query, {
    _actions: false,
    _links: true,
    _embedded: true,
    sortField: 'name',
    sortDirection: 'asc',
    page: 0,
    perPage: 100,
  });
  for (const bad of [{ perPage: 0 }, { perPage: 1001 }, { page: -1 }, { sortField: 'token' }, { filterField: 'scope' }, { unknown: 'x' }]) {
    assert.ok(!valid({ ...bad }), JSON.stringify(bad));
  }
});

test('errorSchema is exactly { type, message } and the error types carry their statuses', (t) => {
  const valid = ajv.compile(errorSchema);
  assert.ok(valid({ type: 'NotFound', message: 'Application was not found' }));
  assert.ok(!valid({ type: 'NotFound' }));
  assert.ok(!valid({ type: 'NotFound', message: 'x', stack: 'at ...' }), 'nothing leaks beside type and message');
  assert.deepEqual(errorTypes, {
    Validation: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    PayloadTooLarge: 413,
    TooManyRequests: 429,
    Internal: 500,
    Unavailable: 503,
  });
  const reference = readReference('error.json') as ObjectSchema | undefined;
  if (reference === undefined) return t.skip(missingReason('error.json'));
  assert.deepEqual(errorSchema.properties, reference.properties);
});
