// The events a verification causes, enqueued beside it without being awaited (the
// answer never waits for them): token.rate_limited, at most once per token, limit
// and window (the event's id is derived from them, so every node enqueues it once;
// this node also remembers the windows it enqueued, so a flood of refusals costs one
// write), and token.credits_low, when a spend takes the balance to or below 20%,
// 10% or 0% of the refill amount (or, without a refill, of the balance the token
// was last given). A spend is one atomic conditional write that records the
// thresholds it crossed (Store.spendCredits), so exactly one spend crosses each and
// the crossing is as durable as the spend; here it is only made an event.
import { BoundedCache } from '@latchkey/contract';
import type { FastifyBaseLogger } from 'fastify';
import type { LimitDecision, LimitRequest } from '../limits/rate-limiter.js';
import type { Store, TokenEvent, TokenRecord } from '../storage/port.js';
import { derivedEventId, tokenEvent } from './token-events.js';

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

  /**
   * A spend crossed a token.credits_low threshold: the crossing it recorded is made
   * an event now (the delivery worker also takes any left by a crash).
   */
  creditsCrossed(): void {
    this.store.enqueueCreditCrossings().catch((error: unknown) => {
      this.log.warn({ err: error }, 'could not enqueue token.credits_low; the delivery worker will retry');
    });
  }

  #enqueue(events: TokenEvent[]): void {
    if (events.length === 0) return;
    this.store.enqueueTokenEvents(events).catch((error: unknown) => {
      this.log.warn({ err: error, events: events.map((e) => e.type) }, 'could not enqueue token events of a verification');
    });
  }
}
