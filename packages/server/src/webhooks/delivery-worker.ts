// The delivery worker: sends the webhooks' outbox. Every `intervalMs` (and at once
// when this node's store announces a write that may have enqueued something) it
// claims as many due deliveries as it has room to send (the store leases them to
// this node: another node claims them only once the lease ends, so with several
// nodes each delivery is sent by one), POSTs each, signed as Standard Webhooks,
// with a timeout, and records the attempt: a 2xx is delivered; anything else is
// retried with exponential backoff and jitter, until the last attempt gives up.
// At least once: a node that dies after sending and before recording leaves the
// claim to expire, and the delivery is sent again, with the same `webhook-id`.
// Timers are unref'd; close() stops claiming and waits for the attempts in flight.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FastifyBaseLogger } from 'fastify';
import { Webhook } from 'standardwebhooks';
import type { Metrics } from '../metrics/metrics.js';
import type { AttemptOutcome, Store, StoreEvent, WebhookAttemptRecord, WebhookClaim } from '../storage/port.js';
import { publicOnlyLookup, refusedLiteral } from './webhook-url.js';

export interface DeliveryWorkerOptions {
  /** How often due deliveries are looked for (default 1 s). */
  intervalMs?: number;
  /** Longest wait for a receiver's whole answer (default 5 s). */
  timeoutMs?: number;
  /** Attempts before a delivery is given up (default 10). */
  maxAttempts?: number;
  /** The wait after a first failed attempt; it doubles with each one after (default 3 min: 10 attempts span about a day). */
  backoffBaseMs?: number;
  /** Each wait is moved by up to this share of it, either way (default 0.1), so retries of many deliveries spread out. */
  jitter?: number;
  /** Deliveries in flight at once on this node (default 8). */
  concurrency?: number;
  /** How long delivered and failed deliveries are kept (default 30 days). */
  retentionMs?: number;
  /** Uniform in [0, 1): the jitter's source (tests fix it). */
  random?: () => number;
}

const defaults = {
  intervalMs: 1_000,
  timeoutMs: 5_000,
  maxAttempts: 10,
  backoffBaseMs: 180_000,
  jitter: 0.1,
  concurrency: 8,
  retentionMs: 30 * 86_400_000,
};
const pruneIntervalMs = 3_600_000;
/** Beyond the timeout, what a claim allows for recording the attempt before another node may take it. */
const leaseMarginMs = 30_000;
/** How often crossings a crashed node left are looked for. */
const crossingsIntervalMs = 60_000;
const maxErrorLength = 500;

/** The wait before attempt `attempt + 1`, after `attempt` (1-based) failed. */
export function backoffMs(attempt: number, base: number, jitter: number, random: () => number): number {
  const wait = base * 2 ** (attempt - 1);
  return Math.round(wait * (1 + jitter * (2 * random() - 1)));
}

/** A receiver's answer, or why none came; never the URL (it may hold a secret of the receiver's). */
interface Exchange {
  statusCode: number | null;
  error: string | null;
}

function describe(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; code?: string; message?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const text = e.code && e.message && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : (e.message ?? String(error));
  return text.slice(0, maxErrorLength);
}

/** One POST, answered (any status) or failed, within `timeoutMs` for the whole exchange. */
function post(url: URL, headers: Record<string, string>, body: string, timeoutMs: number, allowPrivate: boolean): Promise<Exchange> {
  const refused = allowPrivate ? undefined : refusedLiteral(url);
  if (refused !== undefined) return Promise.resolve({ statusCode: null, error: refused });
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const signal = AbortSignal.timeout(timeoutMs);
    const request = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        signal,
        ...(allowPrivate ? {} : { lookup: publicOnlyLookup }),
      },
      (response: IncomingMessage) => {
        // The body is read to its end (and dropped): the exchange is over only then.
        response.on('error', (error) => resolve({ statusCode: null, error: describe(error, timeoutMs) }));
        response.on('end', () => resolve({ statusCode: response.statusCode ?? null, error: null }));
        response.resume();
      },
    );
    request.on('error', (error) => resolve({ statusCode: null, error: describe(error, timeoutMs) }));
    request.end(body);
  });
}

export class DeliveryWorker {
  readonly #options: typeof defaults & { random: () => number };
  #timer: NodeJS.Timeout | undefined;
  #pruneTimer: NodeJS.Timeout | undefined;
  #inFlight = new Set<Promise<void>>();
  #ticking = false;
  #again = false;
  #closed = false;
  /** When to next look for credit crossings a crashed node left (see #takeCrossings). */
  #crossingsDueAt = 0;
  /** Whether the last claim failed: an outage is logged when it begins and when it ends. */
  #failing = false;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly log: FastifyBaseLogger,
    private readonly allowPrivate: boolean,
    options: DeliveryWorkerOptions = {},
    private readonly metrics?: Metrics,
  ) {
    this.#options = { ...defaults, random: Math.random, ...options };
    // A write that may have enqueued a delivery (on this node) is sent at once, not at the next interval.
    store.subscribe((event) => {
      if (mayEnqueue(event)) this.wake();
    });
  }

  start(): void {
    this.#schedule(0);
    this.#pruneTimer = setInterval(() => void this.prune(), pruneIntervalMs);
    this.#pruneTimer.unref();
  }

  /** Looks for due deliveries now (once the current look, if any, is done). */
  wake(): void {
    if (this.#closed) return;
    if (this.#ticking) this.#again = true;
    else this.#schedule(0);
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.#tick(), ms);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    this.#ticking = true;
    try {
      do {
        this.#again = false;
        const room = this.#options.concurrency - this.#inFlight.size;
        if (room <= 0 || this.#closed) break;
        await this.#takeCrossings();
        const claims = await this.#claim(room);
        for (const claim of claims) this.#track(this.#deliver(claim));
        // A full batch: more may be due.
        if (claims.length === room) this.#again = true;
      } while (this.#again && !this.#closed);
    } finally {
      this.#ticking = false;
      this.#schedule(this.#options.intervalMs);
    }
  }

  /**
   * token.credits_low events are made from the crossings spends record right after
   * each spend (LimitEvents); at start and once a minute this takes any a node left
   * unmade (it died in between), so none is lost.
   */
  async #takeCrossings(): Promise<void> {
    const now = this.now();
    if (now < this.#crossingsDueAt) return;
    this.#crossingsDueAt = now + crossingsIntervalMs;
    try {
      await this.store.enqueueCreditCrossings();
    } catch (error) {
      this.log.warn({ err: error }, 'could not enqueue token.credits_low events; will try again');
    }
  }

  async #claim(limit: number): Promise<WebhookClaim[]> {
    try {
      // Idle, a node only reads: it claims (a write) once something is due.
      const now = this.now();
      const due = await this.store.nextWebhookDeliveryAt();
      const claims =
        due === undefined || due > now ? [] : await this.store.claimWebhookDeliveries(now, limit, this.#options.timeoutMs + leaseMarginMs);
      if (this.#failing) this.log.info('webhook deliveries can be claimed again');
      this.#failing = false;
      return claims;
    } catch (error) {
      if (!this.#failing) this.log.warn({ err: error }, 'could not claim webhook deliveries; will keep trying');
      this.#failing = true;
      return [];
    }
  }

  #track(delivery: Promise<void>): void {
    this.#inFlight.add(delivery);
    void delivery.finally(() => {
      this.#inFlight.delete(delivery);
      // Room again: more may be due.
      this.wake();
    });
  }

  /** One attempt of one claimed delivery, recorded; never rejects. */
  async #deliver(claim: WebhookClaim): Promise<void> {
    const { timeoutMs, maxAttempts, backoffBaseMs, jitter, random } = this.#options;
    const started = this.now();
    const timestamp = new Date(started);
    let exchange: Exchange;
    try {
      // The secret signs and is never logged or recorded.
      const signature = new Webhook(claim.secret).sign(claim.eventId, timestamp, claim.payload);
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'latchkey-webhooks',
        'webhook-id': claim.eventId,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signature,
      };
      exchange = await post(new URL(claim.url), headers, claim.payload, timeoutMs, this.allowPrivate);
    } catch (error) {
      exchange = { statusCode: null, error: describe(error, timeoutMs) };
    }
    const at = this.now();
    const ok = exchange.statusCode !== null && exchange.statusCode >= 200 && exchange.statusCode < 300;
    const attempt: WebhookAttemptRecord = {
      at,
      statusCode: exchange.statusCode,
      latencyMs: Math.max(0, at - started),
      error: ok ? null : (exchange.error ?? `HTTP ${exchange.statusCode}`),
    };
    const attempts = claim.attemptCount + 1;
    const outcome: AttemptOutcome = ok
      ? { delivered: true }
      : { delivered: false, retryAt: attempts >= maxAttempts ? null : at + backoffMs(attempts, backoffBaseMs, jitter, random) };
    try {
      await this.store.recordWebhookAttempt(claim, attempt, outcome);
    } catch (error) {
      // The claim expires and the delivery is sent again: at least once.
      this.log.warn(
        { err: error, webhookId: claim.webhookId, eventId: claim.eventId },
        'could not record a webhook attempt; it will be sent again',
      );
    }
    // After the record: a scrape that sees the count sees the outbox as it left it.
    if (this.metrics) {
      const { webhookDelivered, webhookRetrying, webhookFailed } = this.metrics;
      (outcome.delivered ? webhookDelivered : outcome.retryAt === null ? webhookFailed : webhookRetrying).inc();
    }
  }

  /** Drops finished deliveries past their retention; never rejects (logged). */
  async prune(): Promise<void> {
    try {
      await this.store.pruneWebhookDeliveries(this.now() - this.#options.retentionMs);
    } catch (error) {
      this.log.warn({ err: error }, 'could not drop old webhook deliveries; will try again');
    }
  }

  /** Stops claiming and waits for the attempts in flight (each bounded by the timeout) to be recorded. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#pruneTimer);
    while (this.#ticking || this.#inFlight.size > 0) {
      await Promise.all([...this.#inFlight]);
      if (this.#ticking) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** The store's events after which this node may have something new to send. */
function mayEnqueue(event: StoreEvent): boolean {
  switch (event.kind) {
    case 'tokens-created':
    case 'token':
    case 'audit':
      return true;
    case 'webhook-deliveries':
      return event.change === 'enqueued';
    default:
      return false;
  }
}
