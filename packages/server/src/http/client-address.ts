// The client's address as Fastify's request.ip gives it, for code that runs before
// Fastify (the early refusal). Without --trust-proxy it is the socket's peer; with
// it, the address the trusted proxies forwarded (X-Forwarded-For), computed as
// Fastify does (its own @fastify/proxy-addr, the same trust function).
import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

/**
 * false: the socket's peer is the client. true: every proxy is trusted (the
 * leftmost X-Forwarded-For entry is the client). A string: the proxies' addresses
 * or CIDRs, comma-separated (or proxy-addr's names: loopback, linklocal, uniquelocal).
 */
export type TrustProxy = boolean | string;

/** The trust function Fastify builds from the same setting (lib/request.js). */
function trustFunction(trustProxy: true | string): (address: string, hop: number) => boolean {
  if (trustProxy === true) return () => true;
  return proxyAddr.compile(trustProxy.split(',').map((entry) => entry.trim()));
}

/** Throws, naming the bad entry, when a list of proxies does not parse. */
export function checkTrustProxy(trustProxy: TrustProxy): void {
  if (typeof trustProxy === 'string') trustFunction(trustProxy);
}

export function clientAddress(trustProxy: TrustProxy | undefined): (req: IncomingMessage) => string {
  if (!trustProxy) return (req) => req.socket.remoteAddress ?? '';
  const trust = trustFunction(trustProxy);
  return (req) => {
    const addresses = proxyAddr.all(req, trust);
    return addresses[addresses.length - 1] ?? '';
  };
}
