// GET /openapi.json and GET /docs: the document is valid OpenAPI 3.1, covers every
// route the app serves, says which scopes each authenticated route accepts (read
// from the contract's `actions`), and the Swagger UI page loads only local assets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { actions, type ActionName } from '@latchkey/contract';
import type { FastifyInstance } from 'fastify';
import { build } from './helpers/build.js';
import { servedRoutes } from './helpers/served-routes.js';

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  operationId?: string;
  security?: Array<Record<string, string[]>>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, Record<string, unknown>> };
}

const bearer = [{ bearerAuth: [] }];
// The documentation's own routes are the only ones left out of the document.
// The documentation itself and the web console (GET /, /console/*) are hidden from the document.
const isDocsRoute = (path: string) => path === '/openapi.json' || path.startsWith('/docs') || path === '/' || path.startsWith('/console');

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

async function fetchDocument(app: FastifyInstance): Promise<OpenApiDocument> {
  const response = await app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  return response.json();
}

function operations(document: OpenApiDocument): Array<{ method: string; path: string; operation: Operation }> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
}

test('GET /openapi.json is a valid OpenAPI 3.1 document', async (t) => {
  const h = await build(t);
  const document = await fetchDocument(h.app);
  assert.match(document.openapi, /^3\.1\./);
  const validator = new Validator();
  const result = await validator.validate(document as unknown as Record<string, unknown>);
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  assert.equal(validator.version, '3.1');
  const scheme = document.components?.securitySchemes?.bearerAuth;
  assert.equal(scheme?.type, 'http');
  assert.equal(scheme?.scheme, 'bearer');
});

test('every route the app serves is in the document, with its method, a summary and a tag', async (t) => {
  const h = await build(t);
  const document = await fetchDocument(h.app);
  const served = servedRoutes(h.app).filter((route) => !isDocsRoute(route.path));
  assert.ok(served.length >= 25, `only ${served.length} routes found in the route tree`);

  const documented = new Set(operations(document).map(({ method, path }) => `${method} ${path}`));
  for (const { method, path } of served) {
    const key = `${method} ${toOpenApiPath(path)}`;
    assert.ok(documented.has(key), `${key} is missing from /openapi.json`);
  }
  // ...and nothing the app does not serve.
  assert.equal(documented.size, served.length);

  for (const { method, path, operation } of operations(document)) {
    assert.ok(operation.summary, `${method} ${path} has no summary`);
    assert.ok(operation.tags?.length, `${method} ${path} has no tag`);
  }
});

test('a route refusing an anonymous caller with 401 declares bearer security and names the scopes its action accepts', async (t) => {
  const h = await build(t);
  const document = await fetchDocument(h.app);
  const someId = 'a'.repeat(24);
  let authenticated = 0;
  for (const { method, path, operation } of operations(document)) {
    const url = path.replace(/\{\w+\}/g, someId);
    const response = await h.app.inject({ method: method as 'GET', url });
    const where = `${method} ${path}`;
    if (response.statusCode !== 401) {
      assert.equal(operation.security, undefined, `${where} answers without a token but declares security`);
      continue;
    }
    authenticated++;
    assert.deepEqual(operation.security, bearer, `${where} needs a token but does not declare bearerAuth`);
    const action = operation.operationId as ActionName;
    assert.ok(action in actions, `${where}: operationId ${action} is not an action`);
    for (const scope of actions[action]) {
      assert.ok(operation.description?.includes(`\`${scope}\``), `${where}: description does not name ${scope}`);
    }
  }
  assert.ok(authenticated >= 20, `only ${authenticated} authenticated operations`);

  // The public routes have no security at all.
  assert.equal(document.paths['/health']?.get?.security, undefined);
  assert.equal(document.paths['/auth/user']?.post?.security, undefined);

  const list = document.paths['/applications/{applicationId}/tokens']?.get;
  assert.equal(list?.tags?.[0], 'Application API Tokens');
  for (const scope of ['applicationApiTokens.get', 'applicationApiTokens.*', 'all.Application.read', 'all.User.read']) {
    assert.ok(list?.description?.includes(`\`${scope}\``), `the tokens list does not name ${scope}`);
  }
  const create = document.paths['/applications/{applicationId}/tokens']?.post;
  assert.ok(create?.description?.includes('`applicationApiTokens.post`'));
  assert.ok(!create?.description?.includes('all.Application.read'), 'a read scope is listed for a write');
});

test('POST /introspect is documented when enabled, without bearer security', async (t) => {
  const h = await build(t, { introspectionSecret: 'introspection-secret-of-the-test-suite' });
  const document = await fetchDocument(h.app);
  const served = servedRoutes(h.app).filter((route) => !isDocsRoute(route.path));
  assert.ok(served.some((route) => route.path === '/introspect'));
  for (const { method, path } of served) {
    assert.ok(document.paths[toOpenApiPath(path)]?.[method.toLowerCase()], `${method} ${path} is missing`);
  }
  assert.equal(document.paths['/introspect']?.post?.security, undefined);
});

test('GET /docs serves Swagger UI whose scripts and styles are all local', async (t) => {
  const h = await build(t);
  for (const url of ['/docs', '/docs/']) {
    const page = await h.app.inject({ method: 'GET', url });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    const references = [...page.body.matchAll(/\b(?:src|href)\s*=\s*["']([^"']*)["']/gi)].map((m) => m[1]!);
    assert.ok(
      references.some((ref) => ref.endsWith('swagger-ui-bundle.js')),
      'the page does not load Swagger UI',
    );
    for (const ref of references) {
      assert.doesNotMatch(ref, /^(?:[a-z][a-z\d+.-]*:|\/\/)/i, `${url} references another origin: ${ref}`);
      const asset = await h.app.inject({ method: 'GET', url: new URL(ref, `http://docs.test${url}`).pathname });
      assert.equal(asset.statusCode, 200, `${ref} (from ${url}) answers ${asset.statusCode}`);
    }
  }
  // The page asks no outside validator about the document, and loads the local one.
  const initializer = await h.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
  assert.equal(initializer.statusCode, 200);
  assert.match(initializer.body, /validatorUrl: null/);
  assert.doesNotMatch(initializer.body, /https?:\/\/(?!stackoverflow\.com\/)/);
  const json = await h.app.inject({ method: 'GET', url: '/docs/json' });
  assert.deepEqual(json.json(), await fetchDocument(h.app));
});
