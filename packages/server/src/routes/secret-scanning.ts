// POST /secret-scanning/github: GitHub secret scanning's partner endpoint, in a scope
// of its own, registered only when the server has --github-scanning-keys (without
// them the route does not exist: 404). GitHub's signature is the authentication: it
// is over the raw body, so this scope's body parser keeps the bytes and parses
// nothing; the signature is checked first (401, nothing read as JSON, nothing
// changed), then the body is parsed as Fastify's JSON parser would and validated
// against the table's schema.
import type { GithubSecretReport } from '@latchkey/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { sendError } from '../http/bare-response.js';
import { signedByGithub, type GithubScanningKeys } from '../secret-scanning/github-keys.js';
import { respondToLeaks } from '../secret-scanning/leak-response.js';
import type { Handlers } from './handlers.js';
import { registerTable } from './register-table.js';

const identifierHeader = 'github-public-key-identifier';
const signatureHeader = 'github-public-key-signature';
/** Fastify's JSON parser's options (poisoned objects refused). */
const parseOptions = { protoAction: 'error', constructorAction: 'error' } as const;

export function secretScanningRoutes(app: FastifyInstance, ctx: AppContext, keys: GithubScanningKeys): void {
  const handlers: Handlers<'githubSecretScanning.post'> = {
    'githubSecretScanning.post': (request: FastifyRequest<{ Body: GithubSecretReport }>) =>
      respondToLeaks(ctx.store, request.body, { now: ctx.now, sourceAddress: request.ip }),
  };
  app.register(async (scope) => {
    const rawBodies = new WeakMap<FastifyRequest, Buffer>();
    // Whatever the content type: the bytes are what was signed.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
      rawBodies.set(request, body as Buffer);
      done(null, undefined);
    });
    // No signature at all: refused before the body is read.
    scope.addHook('onRequest', (request, reply, done) => {
      if (request.headers[identifierHeader] === undefined || request.headers[signatureHeader] === undefined) {
        sendError(reply, errors.unsignedReport());
        return;
      }
      done();
    });
    scope.addHook('preValidation', (request, reply, done) => {
      const raw = rawBodies.get(request) ?? Buffer.alloc(0);
      if (!signedByGithub(keys, request.headers[identifierHeader], request.headers[signatureHeader], raw)) {
        sendError(reply, errors.unsignedReport());
        return;
      }
      try {
        request.body = secureJson.parse(raw.toString('utf8'), undefined, parseOptions);
      } catch {
        sendError(reply, errors.validation('body must be a JSON array of {token, type, url, source}'));
        return;
      }
      done();
    });
    registerTable(scope, handlers, {});
  });
}
