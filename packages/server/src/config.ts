// Settings from flags, then environment, then defaults. One table, documented in the README.
import { checkTrustProxy, type TrustProxy } from './http/client-address.js';

export interface ServeConfig {
  port: number;
  host: string;
  databaseUrl: string;
  durability: 'process' | 'power';
  logLevel: string;
  introspectionSecret?: string;
  /** Accepted beside introspectionSecret while callers move to it. */
  previousIntrospectionSecret?: string;
  /** Request and authentication limits (app.ts defaults when absent). */
  limits: Partial<{
    bodyLimit: number;
    maxHeaderSize: number;
    maxUrlLength: number;
    authFailureLimit: number;
    sessionTtlMs: number;
  }>;
  /** Longest wait for in-flight requests on SIGTERM before exiting anyway (ms). */
  shutdownTimeoutMs: number;
  /** Rate limit counters in this Redis (shared by every node) instead of in memory. */
  redisUrl?: string;
  /** Put before every rate limit key in Redis (several deployments on one Redis). */
  redisKeyPrefix?: string;
  /** Redis unreachable: allow every verification's limits (fail open) or refuse them. */
  ratelimitOnError: 'allow' | 'deny';
  /** Send webhooks to loopback, private and link-local addresses too (refused by default). */
  allowPrivateWebhooks?: boolean;
  /** How long minute and hour usage buckets are kept (usage-writer.ts defaults when absent). */
  usageRetention?: Partial<{ minuteMs: number; hourMs: number }>;
  /** GitHub secret scanning's public keys (GitHub's public_keys JSON), read at start: enables POST /secret-scanning/github. */
  githubScanningKeysFile?: string;
  /** Take the client's address from X-Forwarded-For: every proxy (true) or these proxies (off when absent). */
  trustProxy?: TrustProxy;
  /** Serve GET /metrics on the main port, for metricsSecret (required with it). */
  metrics?: boolean;
  /** Bearer secret of /metrics: required on the main port, also asked on metricsPort when given. */
  metricsSecret?: string;
  /** Serve /metrics alone on this port, on `host` (instead of, or beside, the main port). */
  metricsPort?: number;
}

/** Why these metrics settings cannot start a server, or undefined when they can. */
export function metricsProblem(config: Pick<ServeConfig, 'metrics' | 'metricsSecret'>): string | undefined {
  if (config.metrics && !config.metricsSecret) {
    return '--metrics serves /metrics on the API port and needs --metrics-secret (LATCHKEY_METRICS_SECRET) for scrapers to present; or use --metrics-port to serve it on another address';
  }
  return undefined;
}

export const defaults = {
  port: 8080,
  // Loopback only: the first start prints the admin's credentials, and nobody else
  // should reach a server before its operator chose to expose it (--host 0.0.0.0).
  host: '127.0.0.1',
  databaseUrl: 'sqlite:./data/latchkey.db',
  durability: 'process',
  logLevel: 'info',
  // Fail open: a Redis outage must not take down every service that verifies tokens
  // (SECURITY.md weighs it); deployments that must never exceed a limit choose deny.
  ratelimitOnError: 'allow',
} as const;

export function envDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL || defaults.databaseUrl;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port: ${value}`);
  return port;
}

export function parseNonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`Not a non-negative integer: ${value}`);
  return n;
}

export function parseDurability(value: string): ServeConfig['durability'] {
  if (value !== 'process' && value !== 'power') throw new Error(`Invalid durability: ${value} (process or power)`);
  return value;
}

/**
 * --trust-proxy's value: none (the bare flag), `true` or `1`: every proxy; `false`,
 * `0` or empty: off; otherwise the proxies' addresses or CIDRs, comma-separated.
 */
export function parseTrustProxy(value: string | true): TrustProxy {
  if (value === true || value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0' || value.trim() === '') return false;
  try {
    checkTrustProxy(value);
  } catch (error) {
    throw new Error(`Invalid --trust-proxy: ${(error as Error).message} (give the proxies' addresses or CIDRs, comma-separated)`);
  }
  return value;
}

export function parseRatelimitOnError(value: string): ServeConfig['ratelimitOnError'] {
  if (value !== 'allow' && value !== 'deny') throw new Error(`Invalid --ratelimit-on-error: ${value} (allow or deny)`);
  return value;
}
