// The events a verification causes, enqueued beside it without being awaited (the
// answer never waits for them): token.rate_limited, at most once per token, limit
// and window (the event's id is derived from them, so every node enqueues it once;
// this node also remembers the windows it enqueued, so a flood of refusals costs one
// write), and token.credits_low, when a spend takes the balance to or below 20%,
// 10% or 0% of the refill amount (or, without a refill, of the balance the token
// was last given). A spend is one atomic conditional write, so exactly one spend
// crosses each threshold: its event is enqueued once.
import { BoundedCache } from '@latchkey/contract';
import type { FastifyBaseLogger } from 'fastify';
import type { LimitDecision, LimitRequest } from '../limits/rate-limiter.js';
import type { Store, TokenEvent, TokenRecord } from '../storage/port.js';
import { derivedEventId, tokenEvent } from './token-events.js';

/** Shares of the base (percent) whose crossing is reported, highest first. */
export const creditThresholds = [20, 10, 0] as const;

export class LimitEvents {
  /** Windows this node enqueued a token.rate_limited for (forgotten past the bound: the store dedupes anyway). */
  readonly #limited = new BoundedCache<string, true>({ max: 100_000 });

  constructor(
    private readonly store: Store,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** A verification refused by `decision`: an event per limit that had no room, once per window. */
  rateLimited(record: TokenRecord, limits: readonly LimitRequest[], decision: LimitDecision, now: number): void {
    const { ownerType } = record;
    if (ownerType === 'session') return;
    const events: TokenEvent[] = [];
    decision.states.forEach((state, i) => {
      const cost = limits[i]?.cost ?? 1;
      if (cost === 0 ? state.remaining > 0 : state.remaining >= cost) return;
      const id = derivedEventId('token.rate_limited', record.id, state.name, state.limit, state.duration, state.reset);
      if (this.#limited.get(id)) return;
      this.#limited.set(id, true);
      const ratelimit = { name: state.name, limit: state.limit, duration: state.duration, reset: new Date(state.reset).toISOString() };
      events.push(tokenEvent('token.rate_limited', { ...record, ownerType }, now, { ratelimit }, id));
    });
    this.#enqueue(events);
  }

  /** A spend of `cost` left `remaining`: an event per threshold it crossed. */
  creditsSpent(record: TokenRecord, cost: number, remaining: number, now: number): void {
    const credits = record.credits;
    if (record.ownerType === 'session' || credits === null || cost <= 0) return;
    const base = credits.refill ? credits.refill.amount : credits.initial;
    if (base === undefined || base <= 0) return;
    const before = remaining + cost;
    const events: TokenEvent[] = [];
    for (const threshold of creditThresholds) {
      const level = (base * threshold) / 100;
      if (before > level && remaining <= level) {
        events.push(
          tokenEvent('token.credits_low', { ...record, ownerType: record.ownerType }, now, { threshold, remaining, creditsBase: base }),
        );
      }
    }
    this.#enqueue(events);
  }

  #enqueue(events: TokenEvent[]): void {
    if (events.length === 0) return;
    this.store.enqueueTokenEvents(events).catch((error: unknown) => {
      this.log.warn({ err: error, events: events.map((e) => e.type) }, 'could not enqueue token events of a verification');
    });
  }
}
