// token.expiring: no write happens when a token comes within 7 days (or 1 day) of
// its expirationDate, so a periodic scan finds the tokens that entered one of those
// windows since the last scan: those whose mark passed, and those created (or
// re-activated) inside a window since (the first scan: every token inside a window,
// so one missed while the server was down is caught), and enqueues their events.
// Each event's id is derived from the token, the window and the expiry, so a scan
// repeated, or run by every node, enqueues it once. A token already inside the
// 1-day window is sent only that one.
import type { FastifyBaseLogger } from 'fastify';
import type { Store, TokenEvent } from '../storage/port.js';
import { derivedEventId, tokenEvent } from './token-events.js';

const dayMs = 86_400_000;
/**
 * How far back each scan also looks for changed tokens: a write whose time was read
 * before a scan but which committed after it is still found by the next one (the
 * derived ids make finding a token twice harmless).
 */
const changeOverlapMs = 300_000;
/** The windows before expirationDate, largest first. */
export const expiryWindowsMs = [7 * dayMs, dayMs] as const;

export interface ExpiryScanOptions {
  /** How often tokens are scanned (default 1 min). */
  intervalMs?: number;
}

export class ExpiryScan {
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  /** The time the last successful scan covered up to; undefined before the first. */
  #last: number | undefined;
  #running: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly log: FastifyBaseLogger,
    options: ExpiryScanOptions = {},
  ) {
    this.#intervalMs = options.intervalMs ?? 60_000;
  }

  start(): void {
    const run = () => {
      this.#running = this.scan().finally(() => {
        this.#running = undefined;
        this.#timer = setTimeout(run, this.#intervalMs);
        this.#timer.unref();
      });
    };
    this.#timer = setTimeout(run, 0);
    this.#timer.unref();
  }

  /** Enqueues the events of tokens that crossed a window since the last scan; never rejects (logged). */
  async scan(): Promise<void> {
    const now = this.now();
    const since = this.#last ?? now - expiryWindowsMs[0];
    try {
      const events: TokenEvent[] = [];
      for (const [i, window] of expiryWindowsMs.entries()) {
        // Crossed this window's mark in (since, now], and not already inside the next, smaller one.
        const smaller = expiryWindowsMs[i + 1] ?? 0;
        const until = now + window;
        const crossed = since + window < until ? await this.store.listExpiringTokens(Math.max(since + window, now + smaller), until) : [];
        const changed = await this.store.listExpiringTokens(now + smaller, until, since - changeOverlapMs);
        const tokens = new Map([...crossed, ...changed].map((token) => [token.id, token]));
        for (const token of tokens.values()) {
          if (token.ownerType === 'session') continue;
          const id = derivedEventId('token.expiring', token.id, window, token.expiresAt!);
          events.push(tokenEvent('token.expiring', { ...token, ownerType: token.ownerType }, now, { expiresWithin: window / 1000 }, id));
        }
      }
      for (let i = 0; i < events.length; i += 500) await this.store.enqueueTokenEvents(events.slice(i, i + 500));
      this.#last = now;
    } catch (error) {
      // The next scan covers this one's span too.
      this.log.warn({ err: error }, 'could not scan for expiring tokens; will try again');
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
    clearTimeout(this.#timer);
  }
}
