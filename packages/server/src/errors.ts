// The one error catalogue. Every error response is `{type, message}`; the status
// code follows from the type. Messages are written for the caller and never carry
// internals (stack traces, SQL, file paths). Pure: how an error is written to a
// response is http/bare-response.ts's concern.
import { errorTypes, type ErrorType } from '@latchkey/contract';

export class ApiError extends Error {
  readonly statusCode: number;
  constructor(
    readonly type: ErrorType,
    message: string,
  ) {
    // These are answers, not bugs: no stack trace to capture (it would cost more
    // than the rest of a refused request).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.statusCode = errorTypes[type];
  }

  toJSON(): { type: ErrorType; message: string } {
    return { type: this.type, message: this.message };
  }
}

export const errors = {
  validation: (message: string) => new ApiError('Validation', message),
  // One message for every authentication failure, so a caller cannot tell a
  // revoked token from a mistyped one.
  unauthorized: () => new ApiError('Unauthorized', 'Authorization failed: invalid or missing token'),
  forbidden: (message = 'The token does not have a scope that permits this action') => new ApiError('Forbidden', message),
  notFound: (what = 'Resource') => new ApiError('NotFound', `${what} was not found`),
  /** A member named by email (PATCH /orgs/{orgId}/member) must be a registered user: latchkey sends no invitations. */
  noUserWithEmail: (email: string) => new ApiError('NotFound', `No user has the email ${email}: they must have an account first`),
  payloadTooLarge: (limit: number) => new ApiError('PayloadTooLarge', `Request body is larger than ${limit} bytes`),
  tooManyRequests: () => new ApiError('TooManyRequests', 'Too many requests; retry later'),
  /** A token's own rate limit refused a request to latchkey. */
  rateLimited: (name: string, limit: number, durationMs: number, retryAfterSeconds: number) =>
    new ApiError(
      'TooManyRequests',
      `The token's rate limit "${name}" (${limit} per ${durationMs} ms) is used up; retry after ${retryAfterSeconds} s`,
    ),
  /** The token's allowedCidrs do not hold the request's address. */
  addressNotAllowed: (address: string) =>
    new ApiError('Forbidden', `This token is not allowed from this address (${address}): it is outside the token's allowedCidrs`),
  /** POST /secret-scanning/github without a good signature of one of the configured keys. */
  unsignedReport: () =>
    new ApiError(
      'Unauthorized',
      'Signature check failed: sign the raw body with a key of --github-scanning-keys and send Github-Public-Key-Identifier and Github-Public-Key-Signature',
    ),
  internal: () => new ApiError('Internal', 'An internal error occurred'),
  unavailable: () => new ApiError('Unavailable', 'The service is temporarily unavailable'),
};
