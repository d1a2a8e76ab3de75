// The RateLimit-Policy and RateLimit response fields of
// draft-ietf-httpapi-ratelimit-headers (structured field lists, one item per limit):
//   RateLimit-Policy: "requests";q=100;w=60
//   RateLimit: "requests";r=37;t=12
// The server sends them on its own API; the client's middleware sends the same from
// a /verify answer, so both format them here. Pure.
import type { RatelimitState } from './schemas/verify.js';

/** Limit names match ^[a-z0-9_.-]{1,32}$: valid sf-strings as they are. */
const item = (name: string) => `"${name}"`;

/** Seconds, rounded up: a client that waits this long finds the window over. */
const secondsUp = (ms: number) => Math.max(0, Math.ceil(ms / 1000));

/** `RateLimit-Policy`: each limit's quota and window (seconds). */
export function rateLimitPolicyField(states: readonly RatelimitState[]): string {
  return states.map((s) => `${item(s.name)};q=${s.limit};w=${secondsUp(s.duration)}`).join(', ');
}

/** `RateLimit`: each limit's remaining quota and the seconds until its window resets. */
export function rateLimitField(states: readonly RatelimitState[], now: number): string {
  return states.map((s) => `${item(s.name)};r=${s.remaining};t=${secondsUp(s.reset - now)}`).join(', ');
}

/** `Retry-After` in whole seconds (at least 1) for a wait in milliseconds. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}
