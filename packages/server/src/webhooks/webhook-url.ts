// Where webhooks may be sent. A webhook URL is an absolute http(s) URL without
// credentials; unless the server runs with --allow-private-webhooks, every address
// its host resolves to must be a public unicast one (ipaddr.js's ranges: not
// loopback, private, link-local, unique local, carrier-grade NAT, multicast,
// reserved, nor an IPv6 form that embeds one of those IPv4 addresses). Checked when
// a webhook is created or patched (a 400 saying why), and again at every delivery,
// on the very addresses the connection is made to (DNS may have changed since).
import { lookup as dnsLookup, promises as dns, type LookupAddress } from 'node:dns';
import type { RequestOptions } from 'node:http';
import ipaddr from 'ipaddr.js';
import { errors } from '../errors.js';

/** Why webhooks may not be sent to this IP address, or undefined when they may. */
export function refusedAddress(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  // IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
  const range = ipaddr.process(address).range();
  if (range === 'unicast') return undefined;
  const names: Record<string, string> = {
    loopback: 'a loopback address',
    private: 'a private address',
    uniqueLocal: 'a private (unique local) address',
    linkLocal: 'a link-local address',
    carrierGradeNat: 'a shared (carrier-grade NAT) address',
    unspecified: 'the unspecified address',
  };
  return names[range] ?? `a ${range} address, not a public one`;
}

const allowHint =
  'webhooks are sent to public addresses only (a server started with --allow-private-webhooks also sends them to loopback, private and link-local ones)';

/** The error a delivery to a refused address fails with (its message names the address). */
export class RefusedAddressError extends Error {
  readonly code = 'ELATCHKEYREFUSEDADDRESS';
}

/** The host of a URL as an address or name (IPv6 without its brackets). */
function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

export type Resolve = (host: string) => Promise<string[]>;

const resolveAll: Resolve = async (host) => (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Checks a webhook URL as a create or patch gives it: its normalized text, or a 400
 * saying what to fix. `allowPrivate`: --allow-private-webhooks.
 */
export async function checkWebhookUrl(text: string, allowPrivate: boolean, resolve: Resolve = resolveAll): Promise<string> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw errors.validation('url must be an absolute http or https URL, such as https://hooks.example.com/latchkey');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw errors.validation(`url must use http or https, not ${url.protocol}`);
  if (url.username !== '' || url.password !== '') {
    throw errors.validation('url must not hold credentials (user:password@): webhooks are authenticated by their signature');
  }
  if (allowPrivate) return url.href;
  const host = hostOf(url);
  let addresses: string[];
  if (ipaddr.isValid(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'no address';
      throw errors.validation(`url's host ${host} does not resolve (${code}); give a host that does`);
    }
  }
  for (const address of addresses) {
    const why = refusedAddress(address);
    if (why !== undefined) {
      throw errors.validation(`url's host ${host} resolves to ${address}, ${why}: ${allowHint}`);
    }
  }
  return url.href;
}

/** Why a delivery to this URL's literal IP address is refused (a host name is checked as it resolves, by publicOnlyLookup). */
export function refusedLiteral(url: URL): string | undefined {
  const host = hostOf(url);
  if (!ipaddr.isValid(host)) return undefined;
  const why = refusedAddress(host);
  return why === undefined ? undefined : `${host} is ${why}: ${allowHint}`;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A DNS lookup for node's http client that fails when the host resolves to any
 * address webhooks may not be sent to: the check is made on the addresses the
 * connection then uses, so a name that changed its answer since the webhook was
 * saved is caught.
 */
export const publicOnlyLookup = ((hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback) => {
  dnsLookup(hostname, { family: options.family ?? 0, all: true, verbatim: true }, (error, addresses) => {
    if (error) return callback(error, []);
    for (const { address } of addresses) {
      const why = refusedAddress(address);
      if (why !== undefined) return callback(new RefusedAddressError(`${hostname} resolves to ${address}, ${why}: ${allowHint}`), []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}) as unknown as NonNullable<RequestOptions['lookup']>;
