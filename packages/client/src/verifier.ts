// The verifier for services that accept latchkey tokens. `verify` asks latchkey's
// POST /verify (outcome codes, rate limits, credits) and returns its answer;
// `authorize` asks POST /introspect and decides an action with the same scope algebra
// (authorityOnApplication) as latchkey itself.
//
// Caching: answers without rate limits or credits (nothing to consume) are kept;
// answers with them are asked for every time. The verifier subscribes to
// GET /verify/events and drops what a change names at once: a token's entries on
// token.changed / token.deleted, every negative answer (they carry no token id) on
// token.changed, everything on reset. Subscribed, an answer is kept for up to
// `subscribedCacheTtlMs`; without the subscription (disabled, or a server without
// the route) for `cacheTtlMs`, so a revoked token may be accepted for that long.
// Disconnected for longer than `cacheTtlMs`, nothing is answered from the cache
// until the stream is back (it resumes with Last-Event-ID, or is told to reset).
// Never past the expiry the answer gives: the token's, or for a secret a rotation
// replaced (answered `deprecated: true`, passed through) the end of its grace period. Concurrent look-ups of one key share one request;
// failures are not cached. Answers given from the cache are reported to
// POST /verify/usage in batches. The token is never logged or put in an error;
// cache keys hold its SHA-256.
//
// Against a server without POST /verify (404), verify falls back to POST /introspect
// (introspection-fallback.ts says what such answers lack) and tries /verify again
// after a minute.
import {
  authorityOnApplication,
  BoundedCache,
  isAction,
  parseToken,
  type ActionScope,
  type Introspection,
  type VerificationEvent,
  type VerifyAnswer,
  type VerifyRequest,
} from '@latchkey/contract';
import { applicationIdShape, describeId } from './describe-id.js';
import { LatchkeyError } from './errors.js';
import { subscribeToEvents, type EventSubscription } from './event-subscription.js';
import { answerOfIntrospection, introspectionBody } from './introspection-fallback.js';
import { exchange, failure } from './request.js';
import { sha256Hex, sha256HexNow } from './token-digest.js';
import { UsageReport } from './usage-report.js';

export interface VerifierOptions {
  /** Base URL of the latchkey server, e.g. `http://localhost:8080`. */
  url: string;
  /** The secret latchkey was started with (`--introspection-secret`). */
  introspectionSecret: string;
  /**
   * How long an answer may be reused without the events stream, in ms (default 5000;
   * 0 disables caching); also how long a lost stream is tolerated.
   */
  cacheTtlMs?: number;
  /** How long an answer may be reused while subscribed to the events stream (default 60000). */
  subscribedCacheTtlMs?: number;
  /** Subscribe to GET /verify/events to drop changed tokens at once (default true). */
  subscribe?: boolean;
  /** Most cached results kept; the least recently used are dropped first (default 10000). */
  maxCacheEntries?: number;
  /** Abort a request after this many ms (default 10000; 0: no limit). */
  timeoutMs?: number;
  /** How often verifications answered from the cache are reported, in ms (default 5000; 0: only on close). */
  usageReportIntervalMs?: number;
  /** Called with failures in the background: the events stream, usage reports. */
  onError?: (error: unknown) => void;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof globalThis.fetch;
  /** The events stream's reconnection, in ms: first wait (default 250), longest (default 30000). */
  reconnect?: { minMs?: number; maxMs?: number; idleTimeoutMs?: number };
}

/** What a verification asks beyond the token (POST /verify's body without it). */
export interface VerifyOptions {
  applicationId?: string;
  /** A catalogue action such as `device.sendState`; needs applicationId. */
  action?: ActionScope;
  /** Credits to spend (default 1 when the token has credits; 0 checks without spending). */
  cost?: number;
  /** The limits to apply and their cost (default: every autoApply limit, cost 1). */
  ratelimits?: Array<{ name: string; cost?: number }>;
  /** The client's address: a token with allowedCidrs is FORBIDDEN (reason `ip`) unless it lies inside them (or is absent). */
  ip?: string;
}

export interface AuthorizeRequest {
  applicationId: string;
  /** A catalogue action such as `device.sendState`. */
  action: ActionScope;
  /** The client's address: a token with allowedCidrs is not active unless it lies inside them (or is absent). */
  ip?: string;
}

export interface Authorization {
  allowed: boolean;
  /** Why, in words fit for a 403 message. Never contains the token. */
  reason: string;
  /** The introspection the decision was made on (absent for an unknown action). */
  introspection?: Introspection;
}

export interface Verifier {
  /** POST /verify's answer: `{ valid, code, ... }` whatever the token; frozen (it may be the cached one). */
  verify(token: string, options?: VerifyOptions): Promise<VerifyAnswer>;
  /** Whether the token may perform `action` on the application (through POST /introspect). */
  authorize(token: string, request: AuthorizeRequest): Promise<Authorization>;
  /**
   * Resolves once the events stream is open (at once when not subscribing, or when
   * the server has none); starts it if no verification has yet. Answers asked for
   * before are not cached, since a change made before the stream opened would not
   * reach them.
   */
  ready(): Promise<void>;
  /** Stops the events stream and sends the usage counted so far (a failure goes to onError). */
  close(): Promise<void>;
}

const inactive: Introspection = { active: false };
const notFound: VerifyAnswer = Object.freeze({ valid: false, code: 'NOT_FOUND' });
/** How long a server that answered 404 to POST /verify is asked through /introspect instead. */
const fallbackMs = 60_000;

/** A cached answer, with the token it is about (absent for negative answers, which do not say). */
interface Cached {
  tokenId: string | undefined;
  answer?: VerifyAnswer;
  introspection?: Introspection;
}

/** The value, frozen all the way down. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function isIntrospection(value: unknown): value is Introspection {
  return typeof value === 'object' && value !== null && typeof (value as { active?: unknown }).active === 'boolean';
}

function isVerifyAnswer(value: unknown): value is VerifyAnswer {
  if (typeof value !== 'object' || value === null) return false;
  const { valid, code } = value as { valid?: unknown; code?: unknown };
  return typeof valid === 'boolean' && typeof code === 'string';
}

/** Nothing to consume: the same request gets the same answer until the token changes. */
const keepable = (answer: VerifyAnswer) =>
  answer.credits === undefined && (answer.ratelimits === undefined || answer.ratelimits.length === 0);

/** The most an entry may be kept: never past the token's expiry. */
function expiryOf(entry: Cached): number {
  const exp = entry.introspection?.exp;
  if (exp !== undefined) return exp * 1000;
  const date = entry.answer?.expirationDate;
  return date === undefined ? Infinity : Date.parse(date);
}

export function createVerifier(options: VerifierOptions): Verifier {
  const base = options.url.replace(/\/+$/, '');
  const ttl = Math.max(0, options.cacheTtlMs ?? 5000);
  const subscribedTtl = ttl === 0 ? 0 : Math.max(ttl, options.subscribedCacheTtlMs ?? 60_000);
  const maxEntries = Math.max(1, options.maxCacheEntries ?? 10_000);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const onError = options.onError ?? (() => {});
  // Not `options.fetch ?? globalThis.fetch`: a detached global fetch throws in browsers.
  const doFetch: typeof globalThis.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const authorization = `Bearer ${options.introspectionSecret}`;

  // Least recently used results go first once it is full.
  const cache = new BoundedCache<string, Cached>({ max: maxEntries, ttlMs: subscribedTtl });
  // Single flight, not caches: each holds only requests (digests) still running.
  const inFlight = new Map<string, Promise<Cached>>();
  // WebCrypto digests finish in any order: callers of one token share one digest so
  // that they reach `lookup` together and share its request too. Held only while
  // the digest runs.
  const digesting = new Map<string, Promise<string>>();
  const usage = new UsageReport({
    href: `${base}/verify/usage`,
    authorization,
    fetch: doFetch,
    timeoutMs,
    intervalMs: Math.max(0, options.usageReportIntervalMs ?? 5000),
    onError,
  });

  // The events stream: 'off' when not subscribing (or the server has no stream).
  let stream: 'off' | 'connected' | 'disconnected' = options.subscribe === false || ttl === 0 ? 'off' : 'disconnected';
  let disconnectedAt = Date.now();
  let subscription: EventSubscription | undefined;
  let verifyMissingUntil = 0;
  let closed = false;
  let opened: () => void = () => {};
  const firstOpen = new Promise<void>((resolve) => (opened = resolve));

  function onEvent(event: VerificationEvent): void {
    const { tokenId } = event;
    if (event.type === 'reset' || tokenId === undefined) cache.clear();
    else if (event.type === 'token.deleted') cache.deleteWhere((entry) => entry.tokenId === tokenId);
    // A change may re-activate a token, or move its expiry: negative answers do not say whose they are.
    else cache.deleteWhere((entry) => entry.tokenId === tokenId || entry.tokenId === undefined);
  }

  /** The stream starts with the first verification, so an unused verifier opens nothing. */
  function ensureSubscribed(): void {
    if (stream === 'off' || subscription || closed) return;
    disconnectedAt = Date.now();
    subscription = subscribeToEvents({
      href: `${base}/verify/events`,
      authorization,
      fetch: doFetch,
      onEvent,
      onConnected(connected) {
        if (stream === 'off') return;
        stream = connected ? 'connected' : 'disconnected';
        if (connected) opened();
        else disconnectedAt = Date.now();
      },
      onUnsupported() {
        // What was kept for the subscribed TTL may now be kept longer than cacheTtlMs allows.
        stream = 'off';
        cache.clear();
        opened();
      },
      onError,
      ...(options.reconnect?.minMs === undefined ? {} : { minBackoffMs: options.reconnect.minMs }),
      ...(options.reconnect?.maxMs === undefined ? {} : { maxBackoffMs: options.reconnect.maxMs }),
      ...(options.reconnect?.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.reconnect.idleTimeoutMs }),
    });
  }

  /** Whether cached answers may be given now: not while the stream has been lost for longer than the TTL. */
  const cacheServes = () => stream !== 'disconnected' || Date.now() - disconnectedAt <= ttl;

  function digestOf(token: string): string | Promise<string> {
    if (sha256HexNow) return sha256HexNow(token);
    let pending = digesting.get(token);
    if (!pending) {
      pending = sha256Hex(token).finally(() => digesting.delete(token));
      digesting.set(token, pending);
    }
    return pending;
  }

  /** Caches `value`, asked for at `askedAt`: the TTL counts from the question, not the answer. */
  function remember(key: string, value: Cached, askedAt: number, epoch: number): void {
    if (ttl === 0) return;
    if (value.answer && !keepable(value.answer)) return;
    const life = stream === 'off' ? ttl : subscribedTtl;
    const expiresAt = Math.min(askedAt + life, expiryOf(value));
    const left = expiresAt - Date.now();
    if (left > 0) cache.set(key, value, epoch, left);
  }

  async function post(path: '/verify' | '/introspect', body: object): Promise<{ status: number; data: unknown }> {
    const { response, data } = await exchange(
      `POST ${path}`,
      `${base}${path}`,
      {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json', authorization },
        body: JSON.stringify(body),
      },
      { timeoutMs, fetch: doFetch },
    );
    if (response.ok || (path === '/verify' && response.status === 404)) return { status: response.status, data };
    throw failure(response, data, `POST ${path}: `);
  }

  /** One POST /introspect. Every failure is a LatchkeyError (the SDK's), never cached. */
  async function introspect(body: { token: string; application_id?: string; ip?: string }): Promise<Introspection> {
    const { status, data } = await post('/introspect', body);
    if (!isIntrospection(data)) throw new LatchkeyError(status, 'Internal', 'POST /introspect: the answer is not an introspection');
    return data;
  }

  /** One POST /verify, or its fallback. */
  async function ask(request: VerifyRequest): Promise<VerifyAnswer> {
    if (Date.now() >= verifyMissingUntil) {
      const { status, data } = await post('/verify', request);
      if (status !== 404) {
        if (!isVerifyAnswer(data)) throw new LatchkeyError(status, 'Internal', 'POST /verify: the answer is not a verification');
        return data;
      }
      verifyMissingUntil = Date.now() + fallbackMs;
    }
    return answerOfIntrospection(await introspect(introspectionBody(request.token, request)), request);
  }

  /** Cached, single-flight look-up under `key`; `fromCache` is called for answers given from the cache. */
  function lookup(key: string, load: () => Promise<Cached>, fromCache?: (hit: Cached) => void): Promise<Cached> {
    ensureSubscribed();
    const hit = cacheServes() ? cache.get(key) : undefined;
    if (hit) {
      fromCache?.(hit);
      return Promise.resolve(hit);
    }
    const pending = inFlight.get(key);
    if (pending) return pending;
    const askedAt = Date.now();
    const epoch = cache.begin();
    const request = load().then(
      (value) => {
        inFlight.delete(key);
        remember(key, value, askedAt, epoch);
        return value;
      },
      (error: unknown) => {
        inFlight.delete(key);
        throw error;
      },
    );
    inFlight.set(key, request);
    return request;
  }

  // Counted as the server counts its own: a valid answer about a replaced secret apart.
  const countUse = (hit: Cached) => {
    const answer = hit.answer;
    if (hit.tokenId === undefined || !answer) return;
    usage.count(hit.tokenId, answer.deprecated === true && answer.code === 'VALID' ? 'VALID_DEPRECATED' : answer.code, Date.now());
  };

  /** No application has such an id: the token is checked alone, consuming nothing. */
  async function verifyNowhere(token: string, ip: string | undefined): Promise<VerifyAnswer> {
    const alone = await verify(token, { cost: 0, ratelimits: [], ...(ip === undefined ? {} : { ip }) });
    // Refused for its address: that answer, whatever the application.
    if (alone.code === 'NOT_FOUND' || alone.code === 'DISABLED' || alone.code === 'EXPIRED' || alone.reason === 'ip') return alone;
    const { credits: _credits, ratelimits: _ratelimits, ...identity } = alone;
    return deepFreeze({ ...identity, valid: false, code: 'FORBIDDEN' });
  }

  // Answers are frozen, so the cache can hand out the one it holds: nothing a caller does changes it.
  function verify(token: string, verifyOptions: VerifyOptions = {}): Promise<VerifyAnswer> {
    if (typeof token !== 'string') return Promise.resolve(notFound);
    const { applicationId } = verifyOptions;
    if (applicationId !== undefined && (typeof applicationId !== 'string' || !applicationIdShape.test(applicationId))) {
      return verifyNowhere(token, verifyOptions.ip);
    }
    const digest = digestOf(token);
    return typeof digest === 'string'
      ? answerFor(token, digest, verifyOptions)
      : digest.then((hex) => answerFor(token, hex, verifyOptions));
  }

  function answerFor(token: string, digest: string, verifyOptions: VerifyOptions): Promise<VerifyAnswer> {
    const { applicationId, action, cost, ratelimits, ip } = verifyOptions;
    // The address is part of the question: a token with allowedCidrs is FORBIDDEN from addresses outside them.
    const key = `v:${digest}:${applicationId ?? ''}:${action ?? ''}:${cost ?? ''}:${ratelimits ? JSON.stringify(ratelimits) : ''}:${ip ?? ''}`;
    // Only well-formed tokens are ever cached: a hit needs no parse.
    const hit = cacheServes() ? cache.get(key) : undefined;
    if (hit) {
      countUse(hit);
      return Promise.resolve(hit.answer!);
    }
    // A token of the wrong shape or checksum cannot be valid: no request for it.
    if (parseToken(token) === null) return Promise.resolve(notFound);
    const request: VerifyRequest = { token };
    if (applicationId !== undefined) request.applicationId = applicationId;
    if (action !== undefined) request.action = action;
    if (cost !== undefined) request.cost = cost;
    if (ratelimits !== undefined) request.ratelimits = ratelimits;
    if (ip !== undefined) request.ip = ip;
    const load = async (): Promise<Cached> => {
      const answer = deepFreeze(await ask(request));
      return { tokenId: answer.tokenId, answer };
    };
    return lookup(key, load, countUse).then((cached) => cached.answer!);
  }

  async function authorize(token: string, request: AuthorizeRequest): Promise<Authorization> {
    const { applicationId, action, ip } = request;
    if (typeof action !== 'string' || !isAction(action)) {
      return { allowed: false, reason: `unknown action ${JSON.stringify(String(action))}` };
    }
    // Sent only when given (a server before allowedCidrs refuses the field); part of the key either way.
    const introspectionOf = async (body: { token: string; application_id?: string }, key: string) => {
      const cached = await lookup(`${key}:${ip ?? ''}`, async () => {
        const introspection = await introspect(ip === undefined ? body : { ...body, ip });
        return { tokenId: introspection.sub, introspection };
      });
      return structuredClone(cached.introspection!);
    };
    let introspection: Introspection;
    if (typeof token !== 'string' || parseToken(token) === null) {
      introspection = structuredClone(inactive);
    } else if (typeof applicationId !== 'string' || !applicationIdShape.test(applicationId)) {
      // No application has such an id; still say "not active" for a bad token.
      introspection = await introspectionOf({ token }, `i:${await digestOf(token)}`);
      if (introspection.active) {
        return { allowed: false, reason: `token does not reach application ${describeId(String(applicationId))}`, introspection };
      }
    } else {
      introspection = await introspectionOf({ token, application_id: applicationId }, `a:${await digestOf(token)}:${applicationId}`);
    }
    return { ...decide(introspection, applicationId, action), introspection };
  }

  function ready(): Promise<void> {
    ensureSubscribed();
    return stream === 'off' || closed ? Promise.resolve() : firstOpen;
  }

  async function close(): Promise<void> {
    closed = true;
    opened();
    subscription?.close();
    // Shutting down goes on whatever latchkey says: a report that could not be sent is reported.
    await usage.close().catch(onError);
  }

  return { verify, authorize, ready, close };
}

/** The decision on an introspection that asked about `applicationId`. */
function decide(introspection: Introspection, applicationId: string, action: ActionScope): { allowed: boolean; reason: string } {
  if (!introspection.active) return { allowed: false, reason: 'token is not active' };
  const application = introspection.application;
  if (!application || application.id !== applicationId || !application.reachable) {
    return { allowed: false, reason: `token does not reach application ${describeId(applicationId)}` };
  }
  const kind = introspection.token_type;
  const ownerType = application.owner_type;
  if (kind === undefined || ownerType === undefined) {
    // latchkey always sends both for a reachable application; fail closed if not.
    return { allowed: false, reason: 'introspection did not say what kind of token this is or who owns the application' };
  }
  const scopes = (introspection.scope ?? '').split(' ').filter(Boolean);
  if (authorityOnApplication(scopes, kind, ownerType, application.role).has(action)) {
    return { allowed: true, reason: `token holds ${action} on application ${applicationId}` };
  }
  if (application.role !== undefined && authorityOnApplication(scopes, kind, ownerType).has(action)) {
    return { allowed: false, reason: `the ${application.role} role does not permit ${action} in this organization` };
  }
  return { allowed: false, reason: `token lacks ${action} on application ${applicationId}` };
}
