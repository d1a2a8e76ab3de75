// The verifier for services that accept latchkey tokens: it asks latchkey's
// POST /introspect about a token and decides an action with the same scope algebra
// (authorityOnApplication) as latchkey itself, so a downstream service allows exactly
// what latchkey would.
//
// Results (positive and negative) are cached for at most `cacheTtlMs`, never past the
// token's expiry: a token revoked in latchkey may still be accepted here for up to
// that long. Concurrent look-ups of one key share one request. Failures are not
// cached. The token is never logged or put in an error; cache keys hold its SHA-256.
import {
  authorityOnApplication,
  BoundedCache,
  idPattern,
  isAction,
  parseToken,
  type ActionScope,
  type Introspection,
} from '@latchkey/contract';
import { LatchkeyError } from './errors.js';
import { exchange, failure } from './request.js';

export interface VerifierOptions {
  /** Base URL of the latchkey server, e.g. `http://localhost:8080`. */
  url: string;
  /** The secret latchkey was started with (`--introspection-secret`). */
  introspectionSecret: string;
  /** How long an introspection result may be reused, in ms (default 5000; 0 disables caching). */
  cacheTtlMs?: number;
  /** Most cached results kept; the least recently used are dropped first (default 10000). */
  maxCacheEntries?: number;
  /** Abort an introspection request after this many ms (default 10000; 0: no limit). */
  timeoutMs?: number;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof globalThis.fetch;
}

export interface AuthorizeRequest {
  applicationId: string;
  /** A catalogue action such as `device.sendState`. */
  action: ActionScope;
}

export interface Authorization {
  allowed: boolean;
  /** Why, in words fit for a 403 message. Never contains the token. */
  reason: string;
  /** The introspection the decision was made on (absent for an unknown action). */
  introspection?: Introspection;
}

export interface Verifier {
  /** The token's introspection; `{ active: false }` for anything but a valid token. */
  verify(token: string): Promise<Introspection>;
  /** Whether the token may perform `action` on the application. */
  authorize(token: string, request: AuthorizeRequest): Promise<Authorization>;
}

const inactive: Introspection = { active: false };
const applicationIdShape = new RegExp(idPattern);

/** Hex SHA-256 with WebCrypto, so the verifier runs in browsers and workers too. */
async function sha256(text: string): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** An application id for a message: verbatim when well-formed, quoted and shortened otherwise. */
function describeId(id: string): string {
  if (applicationIdShape.test(id)) return id;
  return JSON.stringify(id.length > 64 ? `${id.slice(0, 64)}…` : id);
}

function isIntrospection(value: unknown): value is Introspection {
  return typeof value === 'object' && value !== null && typeof (value as { active?: unknown }).active === 'boolean';
}

export function createVerifier(options: VerifierOptions): Verifier {
  const endpoint = `${options.url.replace(/\/+$/, '')}/introspect`;
  const ttl = Math.max(0, options.cacheTtlMs ?? 5000);
  const maxEntries = Math.max(1, options.maxCacheEntries ?? 10_000);
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Not `options.fetch ?? globalThis.fetch`: a detached global fetch throws in browsers.
  const doFetch: typeof globalThis.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const authorization = `Bearer ${options.introspectionSecret}`;

  // Least recently used results go first once it is full.
  const cache = new BoundedCache<string, Introspection>({ max: maxEntries, ttlMs: ttl });
  // Single flight, not caches: each holds only requests (digests) still running.
  const inFlight = new Map<string, Promise<Introspection>>();
  // WebCrypto digests finish in any order: callers of one token share one digest so
  // that they reach `lookup` together and share its request too. Held only while
  // the digest runs.
  const digesting = new Map<string, Promise<string>>();

  function digestOf(token: string): Promise<string> {
    let pending = digesting.get(token);
    if (!pending) {
      pending = sha256(token).finally(() => digesting.delete(token));
      digesting.set(token, pending);
    }
    return pending;
  }

  /** Caches `value`, asked for at `askedAt`: the TTL counts from the question, not the answer. */
  function remember(key: string, value: Introspection, askedAt: number, epoch: number): void {
    if (ttl === 0) return;
    // Never past the token's own expiry (exp is in whole seconds, rounded down).
    const expiresAt = Math.min(askedAt + ttl, value.exp === undefined ? Infinity : value.exp * 1000);
    const left = expiresAt - Date.now();
    if (left > 0) cache.set(key, value, epoch, left);
  }

  /** One POST /introspect. Every failure is a LatchkeyError (the SDK's), never cached. */
  async function introspect(body: { token: string; application_id?: string }): Promise<Introspection> {
    const { response, data } = await exchange(
      'POST /introspect',
      endpoint,
      {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json', authorization },
        body: JSON.stringify(body),
      },
      { timeoutMs, fetch: doFetch },
    );
    if (!response.ok) throw failure(response, data, 'POST /introspect: ');
    if (!isIntrospection(data)) {
      throw new LatchkeyError(response.status, 'Internal', 'POST /introspect: the answer is not an introspection');
    }
    return data;
  }

  /** Cached, single-flight introspection under `key`. */
  function lookup(key: string, body: { token: string; application_id?: string }): Promise<Introspection> {
    const hit = cache.get(key);
    if (hit) return Promise.resolve(hit);
    const pending = inFlight.get(key);
    if (pending) return pending;
    const askedAt = Date.now();
    const epoch = cache.begin();
    const request = introspect(body).then(
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

  // Callers get their own copy, so nothing they do can change a cached result.
  const copy = (value: Introspection): Introspection => structuredClone(value);

  async function verify(token: string): Promise<Introspection> {
    // A token of the wrong shape or checksum cannot be valid: no request for it.
    if (typeof token !== 'string' || parseToken(token) === null) return copy(inactive);
    return copy(await lookup(`v:${await digestOf(token)}`, { token }));
  }

  async function authorize(token: string, request: AuthorizeRequest): Promise<Authorization> {
    const { applicationId, action } = request;
    if (typeof action !== 'string' || !isAction(action)) {
      return { allowed: false, reason: `unknown action ${JSON.stringify(String(action))}` };
    }
    let introspection: Introspection;
    if (typeof applicationId !== 'string' || !applicationIdShape.test(applicationId)) {
      // No application has such an id; still say "not active" for a bad token.
      introspection = await verify(token);
      if (introspection.active) {
        return { allowed: false, reason: `token does not reach application ${describeId(String(applicationId))}`, introspection };
      }
    } else if (typeof token !== 'string' || parseToken(token) === null) {
      introspection = copy(inactive);
    } else {
      introspection = copy(await lookup(`a:${await digestOf(token)}:${applicationId}`, { token, application_id: applicationId }));
    }
    return { ...decide(introspection, applicationId, action), introspection };
  }

  return { verify, authorize };
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
