// A resource method built from a route of the contract's route table: its method
// and path come from the table (through contract's generated `routeEndpoints`, so
// no schema is bundled with the client); the path parameters are taken from the call's
// params (URI-encoded), the body from the named field, and every other param is
// sent as the query, as losant-rest does.
import type { HttpMethod } from '@latchkey/contract';
import type { RequestOptions } from './options.js';
import type { Send } from './request.js';

export interface Endpoint<P, R> {
  (params: P, options?: RequestOptions): Promise<R>;
}

export function endpoint<P extends object | undefined, R>(
  send: Send,
  route: { readonly method: HttpMethod; readonly path: string },
  bodyField?: keyof NonNullable<P> & string,
): Endpoint<P, R> {
  // Split once: the literal parts between parameters, and the parameters' names.
  const parts = route.path.split(/:(\w+)/);
  const names = new Set(parts.filter((_, i) => i % 2 === 1));
  return (params, options) => {
    const values = (params ?? {}) as Record<string, unknown>;
    let path = '';
    for (let i = 0; i < parts.length; i++) path += i % 2 === 0 ? parts[i] : encodeURIComponent(String(values[parts[i]!] ?? ''));
    const query: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) if (!names.has(key) && key !== bodyField) query[key] = value;
    return send<R>({ method: route.method, path, query, ...(bodyField ? { body: values[bodyField] } : {}) }, options);
  };
}

/**
 * The same method, sending `value` as the body when the call gives none: for
 * latchkey's POST routes whose body fields all have defaults (the server, like
 * every body route's, asks for a JSON object).
 */
export function withDefaultBody<F extends string, B, P extends { [K in F]?: B }, R>(
  field: F,
  value: B,
  method: Endpoint<P, R>,
): Endpoint<P, R> {
  return (params, options) => method(params[field] === undefined ? { ...params, [field]: value } : params, options);
}
