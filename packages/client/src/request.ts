// One HTTP exchange over native fetch: URL and query, bearer token, JSON body, a
// timeout covering the whole exchange (headers and body), and the mapping of every
// failure to a LatchkeyError. Runs wherever fetch and AbortController do.
import { errorTypes, type ErrorType } from '@latchkey/contract';
import { LatchkeyError, LatchkeyNetworkError, LatchkeyTimeoutError } from './errors.js';
import type { ClientOptions, RequestOptions } from './options.js';

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Already encoded (endpoint.ts fills the route table's path). */
  path: string;
  /** Query parameters; undefined values are left out, everything else is sent as a string. */
  query?: object;
  /** Sent as JSON when defined. */
  body?: unknown;
}

/** Sends a request and resolves with the parsed JSON answer, typed by the caller. */
export type Send = <T>(spec: RequestSpec, options?: RequestOptions) => Promise<T>;

function searchOf(query: object | undefined): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) search.append(key, String(value));
  }
  const qs = search.toString();
  return qs ? `?${qs}` : '';
}

const typeOfStatus = new Map<number, ErrorType>(Object.entries(errorTypes).map(([type, status]) => [status, type as ErrorType]));

function isErrorBody(data: unknown): data is { type?: unknown; message?: unknown } {
  return typeof data === 'object' && data !== null;
}

/** The LatchkeyError of an error answer, from its {type, message} when it has one. */
export function failure(response: Response, data: unknown, prefix = ''): LatchkeyError {
  const body = isErrorBody(data) ? data : {};
  const type = typeof body.type === 'string' && body.type ? body.type : (typeOfStatus.get(response.status) ?? 'Internal');
  const message = typeof body.message === 'string' && body.message ? body.message : response.statusText || `HTTP ${response.status}`;
  return new LatchkeyError(response.status, type, prefix + message);
}

export interface Exchanged {
  response: Response;
  /** The parsed JSON body; undefined when the body is empty or not JSON. */
  data: unknown;
  parsed: boolean;
}

/**
 * One fetch with an optional timeout and caller signal. Timeouts and network
 * failures become LatchkeyTimeoutError / LatchkeyNetworkError (their messages are
 * fetch's own, never the request body); a caller's abort rethrows its reason.
 */
export async function exchange(
  what: string,
  href: string,
  init: Omit<RequestInit, 'signal'>,
  options: { timeoutMs?: number | undefined; signal?: AbortSignal | undefined; fetch?: typeof fetch } = {},
): Promise<Exchanged> {
  const { timeoutMs, signal: external } = options;
  external?.throwIfAborted();
  const controller = new AbortController();
  const onAbort = () => controller.abort(external?.reason);
  external?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer =
    timeoutMs && timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, timeoutMs)
      : undefined;

  let response: Response;
  let text: string;
  try {
    response = await (options.fetch ?? fetch)(href, { ...init, signal: controller.signal });
    text = await response.text();
  } catch (error) {
    if (timedOut) throw new LatchkeyTimeoutError(`${what} timed out after ${timeoutMs} ms`, timeoutMs ?? 0, error);
    if (external?.aborted) throw external.reason;
    const reason = error instanceof Error ? error.message : String(error);
    throw new LatchkeyNetworkError(`${what} failed: ${reason}`, error);
  } finally {
    clearTimeout(timer);
    external?.removeEventListener('abort', onAbort);
  }

  let data: unknown;
  let parsed = false;
  try {
    data = text ? JSON.parse(text) : undefined;
    parsed = text !== '';
  } catch {
    // callers decide: an error answer keeps its status; a success must be JSON
  }
  return { response, data, parsed };
}

export function createSend(current: () => Readonly<ClientOptions>): Send {
  return async function send<T>(spec: RequestSpec, perCall: RequestOptions = {}): Promise<T> {
    const options = current();
    const accessToken = perCall.accessToken ?? options.accessToken;
    const timeoutMs = perCall.timeoutMs ?? options.timeoutMs;
    const href = `${options.url.replace(/\/+$/, '')}${spec.path}${searchOf(spec.query)}`;
    const what = `${spec.method} ${spec.path}`;

    const headers: Record<string, string> = { accept: 'application/json' };
    if (accessToken) headers.authorization = `Bearer ${accessToken}`;
    if (spec.body !== undefined) headers['content-type'] = 'application/json';

    const { response, data, parsed } = await exchange(
      what,
      href,
      { method: spec.method, headers, body: spec.body === undefined ? undefined : JSON.stringify(spec.body) },
      { timeoutMs, signal: perCall.signal },
    );
    if (!response.ok) throw failure(response, data);
    if (!parsed) throw new LatchkeyError(response.status, 'Internal', `${what}: the answer is not JSON`);
    return data as T;
  };
}
