// Client options, settable at creation and later with setOption, as in losant-rest.

export interface ClientOptions {
  /** Base URL of the latchkey server, e.g. `http://localhost:8080` (trailing slashes are ignored). */
  url: string;
  /** Bearer token sent with every request: an API token (`lka_`, `lku_`) or a session (`lks_`). */
  accessToken?: string;
  /**
   * Milliseconds a request may take, from sending it to reading the whole response,
   * before it fails with LatchkeyTimeoutError. Unset (the default) or 0: no limit.
   */
  timeoutMs?: number;
}

export type ClientOptionName = keyof ClientOptions;

/** Per-call options: the second argument of every method, overriding the client's options for that call. */
export interface RequestOptions {
  accessToken?: string;
  timeoutMs?: number;
  /** Cancels the call; it then rejects with the signal's reason, not a LatchkeyError. */
  signal?: AbortSignal;
}
