// What buildApp accepts, and the defaults of its limits.
import type { FastifyServerOptions } from 'fastify';
import type { TrustProxy } from './http/client-address.js';
import type { Metrics } from './metrics/metrics.js';
import type { GithubScanningKeys } from './secret-scanning/github-keys.js';
import type { RateLimiter } from './limits/rate-limiter.js';
import type { VerificationEventsOptions } from './events/verification-events.js';
import type { Store } from './storage/port.js';
import type { UsageWriterOptions } from './usage/usage-writer.js';
import type { DeliveryWorkerOptions } from './webhooks/delivery-worker.js';
import type { ExpiryScanOptions } from './webhooks/expiry-scan.js';

export interface AppOptions {
  store: Store;
  logger?: FastifyServerOptions['logger'];
  now?: () => number;
  /** Largest accepted request body, in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** How long a verified token may be served from memory without a store read (default 5 s). */
  tokenCacheTtlMs?: number;
  /** Session lifetime, and the most `tokenTTL` may ask for (default 24 h). */
  sessionTtlMs?: number;
  /** Enables POST /introspect and /verify for callers presenting this secret as a bearer token. */
  introspectionSecret?: string;
  /** A second secret accepted beside introspectionSecret while callers move to it (rotation without downtime). */
  previousIntrospectionSecret?: string;
  /** Where tokens' rate limits are counted (default: this process's memory, limits/memory-rate-limiter.ts). */
  rateLimiter?: RateLimiter;
  /**
   * Failed authentications one address may make per minute before it gets 429
   * (default 300; 0 disables).
   */
  authFailureLimit?: number;
  /** GET /verify/events: heartbeat interval and how many events a stream may resume from. */
  verificationEvents?: VerificationEventsOptions;
  /** Longest accepted request line URL, in bytes (default 8 KiB). */
  maxUrlLength?: number;
  /** Largest accepted request head (request line and headers), in bytes (default 16 KiB). */
  maxHeaderSize?: number;
  /** How often usage counts are written and expired buckets dropped, and how long each resolution is kept. */
  usage?: UsageWriterOptions;
  /**
   * Send webhooks to loopback, private and link-local addresses too (--allow-private-webhooks;
   * default false: such URLs are refused at create and patch, and again at delivery).
   */
  allowPrivateWebhooks?: boolean;
  /** The webhook delivery worker's interval, timeout, backoff and retention; and how often expiring tokens are scanned. */
  webhooks?: DeliveryWorkerOptions & { expiryScan?: ExpiryScanOptions };
  /** Close the store when the app closes, after the last usage batch is written (the server; tests close their own). */
  closeStore?: boolean;
  /**
   * Whose address a request is (request.ip: audit entries, throttles, allowedCidrs):
   * false (default) the socket's peer; true or a list of proxies, the address
   * they forwarded in X-Forwarded-For (Fastify's trustProxy).
   */
  trustProxy?: TrustProxy;
  /** Where this app counts its metrics (metrics/metrics.ts; none counted when absent). */
  metrics?: Metrics;
  /** With `metrics`: GET /metrics on this app's port, for this bearer secret (--metrics). */
  metricsSecret?: string;
  /** Enables POST /secret-scanning/github for reports signed by one of these keys (secret-scanning/github-keys.ts). */
  githubScanningKeys?: GithubScanningKeys;
}

export const defaultSessionTtlMs = 24 * 60 * 60 * 1000;

export const defaultBodyLimit = 1024 * 1024;
export const defaultLimits = { authFailureLimit: 300, maxUrlLength: 8 * 1024, maxHeaderSize: 16 * 1024 };

export type Limits = typeof defaultLimits & { bodyLimit: number; sessionTtlMs: number };

/** The options' limits, defaults filled in where they give none. */
export function limitsOf(options: AppOptions): Limits {
  const limits: Limits = { ...defaultLimits, bodyLimit: defaultBodyLimit, sessionTtlMs: defaultSessionTtlMs };
  for (const key of Object.keys(limits) as Array<keyof Limits>) {
    if (options[key] !== undefined) limits[key] = options[key];
  }
  return limits;
}
