// POST /verify served from node's request event, ahead of Fastify, as the early
// refusal is: the data plane's one call is what every downstream request waits on,
// and Fastify's request and reply objects, hooks and routing cost about as much
// again as the verification. Only the ordinary case is taken here: the exact path,
// a JSON body of known length within the limit, a configured secret, and nothing
// logged per request; anything else goes on to Fastify, whose route gives the same
// answers (test/early-verify.test.ts compares both byte for byte). The body is
// parsed, validated and serialized with what Fastify's route uses: secure-json-parse
// as Fastify's JSON parser, the same validator compiler and response schema, the same
// error mapping.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyAnswerSchema, verifyRequestSchema, type VerifyAnswer, type VerifyRequest } from '@latchkey/contract';
import type { FastifyError, FastifyInstance } from 'fastify';
import fastJson from 'fast-json-stringify';
import secureJson from 'secure-json-parse';
import { secretMatcher } from '../auth/introspection-secret.js';
import { errors, type ApiError } from '../errors.js';
import type { Store } from '../storage/port.js';
import { validatorCompiler } from '../validation.js';
import { verifyRequestProblem, type Verify } from '../verify/verification.js';
import { toApiError } from './error-handler.js';
import type { EarlyRefusal } from './early-refusal.js';
import type { Metrics } from '../metrics/metrics.js';
import { requestIdHeader, requestIdOf } from './request-id.js';
import { logsEveryRequest } from './request-logging.js';
import { securityHeaderList } from './security-headers.js';

export interface EarlyVerifyParts {
  app: FastifyInstance;
  store: Store;
  secrets: readonly string[];
  verify: Verify;
  bodyLimit: number;
  now: () => number;
  /** Where its answers are counted as requests to POST /verify, as Fastify's are (metrics/http-metrics.ts). */
  metrics?: Metrics;
}

const jsonType = 'application/json; charset=utf-8';
/** The content types Fastify's JSON parser takes that are taken here too (others go to Fastify). */
const jsonTypes = new Set(['application/json', 'application/json; charset=utf-8']);
// (The contract's schemas are deeply readonly; fast-json-stringify's types are not.)
const renderAnswer = fastJson(verifyAnswerSchema as unknown as fastJson.Schema) as (answer: VerifyAnswer) => string;
/** Fastify's JSON parser's options (its defaults: poisoned objects are refused). */
const parseOptions = { protoAction: 'error', constructorAction: 'error' } as const;

/** `close`: as Fastify after a body it could not parse, the connection ends with the answer. */
function headerList(body: string, close = false): string[] {
  const length = String(Buffer.byteLength(body));
  return close
    ? [...securityHeaderList, 'connection', 'close', 'content-type', jsonType, 'content-length', length]
    : [...securityHeaderList, 'content-type', jsonType, 'content-length', length];
}

/** A 200 ready to send: its body and its headers. */
interface Rendered {
  body: string;
  headers: string[];
}

export function createEarlyVerify(parts: EarlyVerifyParts): EarlyRefusal {
  const { app, store, verify, bodyLimit, now, metrics } = parts;
  /** Counts an answer written `started` (performance.now()) ago. */
  const answered = (res: ServerResponse, started: number) =>
    metrics?.observeRequest('/verify', 'POST', res.statusCode, (performance.now() - started) / 1000);
  const write = (res: ServerResponse, started: number, statusCode: number, body: string, close = false) => {
    res.writeHead(statusCode, headerList(body, close)).end(body);
    answered(res, started);
  };
  const authorized = secretMatcher(parts.secrets);
  const validate = validatorCompiler({ schema: verifyRequestSchema, httpPart: 'body', method: 'POST', url: '/verify' }) as (
    data: unknown,
  ) => true | { error: Error };

  // verify() hands out the same frozen answer while nothing about it changes (a token
  // without limits or credits): its rendering is kept with it, and dies with it.
  const renderings = new WeakMap<VerifyAnswer, Rendered>();
  const render = (answer: VerifyAnswer): Rendered => {
    let rendered = renderings.get(answer);
    if (rendered !== undefined) return rendered;
    const body = renderAnswer(answer);
    rendered = { body, headers: headerList(body) };
    if (Object.isFrozen(answer)) renderings.set(answer, rendered);
    return rendered;
  };
  const send = (res: ServerResponse, started: number, answer: VerifyAnswer) => {
    const { body, headers } = render(answer);
    res.writeHead(200, headers).end(body);
    answered(res, started);
  };

  const fail = (res: ServerResponse, started: number, error: ApiError, close = false) =>
    write(res, started, error.statusCode, JSON.stringify(error.toJSON()), close);
  const failed = (res: ServerResponse, started: number, error: unknown, close = false) => {
    const apiError = toApiError(error as FastifyError, bodyLimit, store);
    if (apiError.statusCode >= 500) app.log.error({ err: error }, 'request failed');
    fail(res, started, apiError, close);
  };

  /** The whole body has arrived: Fastify's route's work, in its order. */
  function answer(res: ServerResponse, started: number, text: string): void {
    if (text === '') return failed(res, started, { code: 'FST_ERR_CTP_EMPTY_JSON_BODY' }, true);
    let body: unknown;
    try {
      body = secureJson.parse(text, undefined, parseOptions);
    } catch (error) {
      return failed(res, started, error, true);
    }
    const valid = validate(body);
    if (valid !== true) return fail(res, started, errors.validation(valid.error.message));
    const request = body as VerifyRequest;
    const problem = verifyRequestProblem(request);
    if (problem !== undefined) return fail(res, started, errors.validation(problem));
    let result;
    try {
      result = verify(request, now());
    } catch (error) {
      return failed(res, started, error);
    }
    if (result instanceof Promise)
      result.then(
        (a) => send(res, started, a),
        (error: unknown) => failed(res, started, error),
      );
    else send(res, started, result);
  }

  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== '/verify' || req.method !== 'POST') return false;
    if (logsEveryRequest(app) || !app.server.listening) return false;
    const { headers } = req;
    const length = headers['content-length'];
    if (length === undefined || headers['transfer-encoding'] !== undefined || Number(length) > bodyLimit) return false;
    const type = headers['content-type'];
    if (type === undefined || !(jsonTypes.has(type) || jsonTypes.has(type.toLowerCase()))) return false;
    if (!authorized(headers.authorization)) return false;
    const started = metrics === undefined ? 0 : performance.now();
    // Set before the header list: writeHead puts the list after it, as Fastify's hook does.
    res.setHeader(requestIdHeader, requestIdOf(headers[requestIdHeader]));
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => answer(res, started, text));
    // A client gone mid-body: nobody to answer.
    req.on('error', () => res.destroy());
    return true;
  };
}
