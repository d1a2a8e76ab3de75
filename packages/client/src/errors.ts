// Every failure of a call is a LatchkeyError: an HTTP error answer keeps the server's
// status code and `{type, message}`; a network failure or a timeout has status code 0
// and its own subclass, with the underlying error as `cause`.
import type { ErrorType } from '@latchkey/contract';

/**
 * The server's error types (`Validation`, `Unauthorized`, `Forbidden`, `NotFound`, ...),
 * plus `Network` and `Timeout` for calls that got no answer. Any other string may come
 * from something between the client and latchkey (a proxy answering on its own).
 */
export type LatchkeyErrorType = ErrorType | 'Network' | 'Timeout' | (string & Record<never, never>);

export class LatchkeyError extends Error {
  constructor(
    /** HTTP status code of the answer; 0 when there was none. */
    readonly statusCode: number,
    readonly type: LatchkeyErrorType,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'LatchkeyError';
  }
}

/** The server could not be reached, or the connection failed before the answer was read. */
export class LatchkeyNetworkError extends LatchkeyError {
  declare readonly type: 'Network';
  constructor(message: string, cause: unknown) {
    super(0, 'Network', message, { cause });
    this.name = 'LatchkeyNetworkError';
  }
}

/** No complete answer within `timeoutMs`; the request was aborted. */
export class LatchkeyTimeoutError extends LatchkeyError {
  declare readonly type: 'Timeout';
  constructor(
    message: string,
    /** The limit that was exceeded, in milliseconds. */
    readonly timeoutMs: number,
    cause: unknown,
  ) {
    super(0, 'Timeout', message, { cause });
    this.name = 'LatchkeyTimeoutError';
  }
}
