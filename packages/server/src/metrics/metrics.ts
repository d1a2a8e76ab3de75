// One app's Prometheus metrics, in a registry of its own (never prom-client's global
// one: two apps in one process, as in the tests, must not count into each other).
// Hot paths get pre-resolved counts: counting a verification or a cache lookup is
// one addition to a plain number, handed to prom-client at each scrape (KeptCount).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What a request is labelled by when no route matched (a 404): never the raw URL. */
export const unmatchedRoute = '(unmatched)';

type Child = { inc(n?: number): void };

/**
 * A count kept as a plain number, handed to its prom-client counter at each scrape:
 * prom-client hashes and checks the labels on every increment, even of a child, which
 * the hottest paths (every verification, every cache lookup) should not pay.
 */
class KeptCount implements Child {
  n = 0;
  private reported = 0;

  constructor(private readonly target: Child) {}

  inc(n = 1): void {
    this.n += n;
  }

  /** Called from the counter's collect(): what came since the last scrape. */
  report(): void {
    if (this.n === this.reported) return;
    this.target.inc(this.n - this.reported);
    this.reported = this.n;
  }
}
type Timer = { observe(seconds: number): void };

export class Metrics {
  readonly registry = new Registry();

  private readonly httpDuration = new Histogram({
    name: 'latchkey_http_request_duration_seconds',
    help: 'HTTP requests by route template, method and status: how long each took to answer',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly httpChildren = new Map<string, Timer>();

  private readonly verificationChildren = new Map<string, KeptCount>();
  private readonly verifications: Counter<'code'> = new Counter({
    name: 'latchkey_verifications_total',
    help: 'Token verifications by outcome code (as counted in usage: every authentication, /verify and /introspect)',
    labelNames: ['code'] as const,
    registers: [this.registry],
    collect: () => {
      for (const child of this.verificationChildren.values()) child.report();
    },
  });

  private readonly cacheLookups: Counter<'result'> = new Counter({
    name: 'latchkey_token_cache_lookups_total',
    help: 'Verified-token cache lookups by result (hit: answered from memory; miss: read from the store)',
    labelNames: ['result'] as const,
    registers: [this.registry],
    collect: () => {
      this.cacheHit.report();
      this.cacheMiss.report();
    },
  });
  readonly cacheHit = new KeptCount(this.cacheLookups.labels('hit'));
  readonly cacheMiss = new KeptCount(this.cacheLookups.labels('miss'));

  /** Redis connection errors and failed commands (each one, not each outage). */
  readonly redisErrors: Child = new Counter({
    name: 'latchkey_redis_errors_total',
    help: 'Redis connection errors and failed rate limit commands',
    registers: [this.registry],
  });
  private readonly redisUnreachable = new Counter({
    name: 'latchkey_ratelimit_unreachable_total',
    help: "Verifications whose rate limits were decided without Redis, by --ratelimit-on-error's answer (allowed: failed open)",
    labelNames: ['answer'] as const,
    registers: [this.registry],
  });
  readonly rateLimitFailOpen: Child = this.redisUnreachable.labels('allowed');
  readonly rateLimitFailClosed: Child = this.redisUnreachable.labels('refused');

  private readonly usageBatches = new Counter({
    name: 'latchkey_usage_batches_total',
    help: 'Usage count batches by result (written, or failed and kept for the next batch)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly usageBatchWritten: Child = this.usageBatches.labels('written');
  readonly usageBatchFailed: Child = this.usageBatches.labels('failed');
  /** Set at each written batch: how old its oldest minute bucket was (so up to a minute more than the delay itself). */
  readonly usageBatchLag = new Gauge({
    name: 'latchkey_usage_batch_lag_seconds',
    help: 'At the last written usage batch: seconds since the start of its oldest minute bucket',
    registers: [this.registry],
  });

  private readonly webhookDeliveries = new Counter({
    name: 'latchkey_webhook_deliveries_total',
    help: 'Webhook delivery attempts by result (delivered; retrying: failed, tried again later; failed: failed, no attempt left)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly webhookDelivered: Child = this.webhookDeliveries.labels('delivered');
  readonly webhookRetrying: Child = this.webhookDeliveries.labels('retrying');
  readonly webhookFailed: Child = this.webhookDeliveries.labels('failed');

  /** `processMetrics`: prom-client's process and Node.js metrics (off in tests that build many apps). */
  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * The webhook outbox's depth and its oldest undelivered delivery's age, read from
   * the store at each scrape (the outbox is shared by every node: each reports it).
   */
  watchWebhookOutbox(read: () => Promise<{ pending: number; oldestCreatedAt: number | undefined }>, now: () => number): void {
    type Depth = { pending: number; oldestCreatedAt: number | undefined };
    // One store read per scrape serves both gauges; a store that cannot answer leaves
    // them as they were (the scrape still answers: metrics matter most in an outage).
    let reading: Promise<Depth | undefined> | undefined;
    const depth = () => {
      if (reading) return reading;
      const current = read().catch(() => undefined);
      reading = current;
      void current.then(() => setImmediate(() => (reading = undefined)));
      return current;
    };
    const pending = new Gauge({
      name: 'latchkey_webhook_outbox_pending',
      help: 'Undelivered deliveries of enabled webhooks in the outbox (all nodes)',
      registers: [this.registry],
      async collect() {
        const found = await depth();
        if (found) pending.set(found.pending);
      },
    });
    const oldestAge = new Gauge({
      name: 'latchkey_webhook_outbox_oldest_age_seconds',
      help: 'Age of the oldest undelivered delivery in the outbox (0 when none)',
      registers: [this.registry],
      async collect() {
        const found = await depth();
        if (found) oldestAge.set(found.oldestCreatedAt === undefined ? 0 : Math.max(0, now() - found.oldestCreatedAt) / 1000);
      },
    });
  }

  /** The database pool's connections and waiting queries, read at each scrape (no gauges for a store without a pool). */
  watchConnectionPool(read: () => { total: number; idle: number; waiting: number } | undefined): void {
    if (read() === undefined) return;
    const connections = new Gauge({
      name: 'latchkey_db_pool_connections',
      help: "This node's database connections by state (busy: running a query or a transaction)",
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const pool = read();
        if (pool === undefined) return;
        connections.labels('idle').set(pool.idle);
        connections.labels('busy').set(pool.total - pool.idle);
      },
    });
    const waiting = new Gauge({
      name: 'latchkey_db_pool_waiting',
      help: 'Queries waiting for a free database connection on this node (above 0 for long: the pool is too small or the database slow)',
      registers: [this.registry],
      collect() {
        const pool = read();
        if (pool !== undefined) waiting.set(pool.waiting);
      },
    });
  }

  /**
   * Cross-node notifications (PostgreSQL NOTIFY: other nodes' writes that drop this
   * node's cached tokens): how many arrived and the longest lag since the last
   * scrape. `take` answers what came since its last call; undefined: a store without peers.
   */
  watchPeerNotifications(take: () => { received: number; maxLagMs: number } | undefined): void {
    if (take() === undefined) return;
    let maxLagMs = 0;
    const received = new Counter({
      name: 'latchkey_peer_notifications_total',
      help: "Other nodes' write notifications received (PostgreSQL NOTIFY)",
      registers: [this.registry],
      collect() {
        const taken = take();
        if (taken === undefined) return;
        received.inc(taken.received);
        maxLagMs = taken.maxLagMs;
      },
    });
    const lag = new Gauge({
      name: 'latchkey_peer_notification_lag_max_seconds',
      help: "Longest time an other node's write notification took to arrive, since the last scrape (sender's clock to this node's: skew adds to it)",
      registers: [this.registry],
      collect() {
        lag.set(maxLagMs / 1000);
      },
    });
  }

  /** One HTTP answer: `route` is a route template (or unmatchedRoute), never a raw URL. */
  observeRequest(route: string, method: string, status: number, seconds: number): void {
    // Routes, methods and statuses are few: one child each, kept.
    const key = `${method} ${status} ${route}`;
    let child = this.httpChildren.get(key);
    if (child === undefined) this.httpChildren.set(key, (child = this.httpDuration.labels(route, method, String(status))));
    child.observe(seconds);
  }

  /** The count of one outcome code, resolved once: call `.inc()` per verification (a plain addition). */
  verification(code: string): Child {
    let child = this.verificationChildren.get(code);
    if (child === undefined) this.verificationChildren.set(code, (child = new KeptCount(this.verifications.labels(code))));
    return child;
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
