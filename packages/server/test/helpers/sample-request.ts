// The smallest request a route of the route table accepts: its path filled with
// the given parameter values, and the required fields of its query and body
// generated from their schemas. A new route gets one without any test code.
import { idPattern, newId, newPasswordPattern, type RouteDefinition } from '@latchkey/contract';
import type { InjectOptions } from 'fastify';

interface Schema {
  type?: string;
  enum?: readonly unknown[];
  anyOf?: readonly Schema[];
  properties?: Record<string, Schema>;
  required?: readonly string[];
  items?: Schema;
  minItems?: number;
  minLength?: number;
  minimum?: number;
  pattern?: string;
  format?: string;
}

/** A value the schema accepts, as simple as it comes. */
export function sampleOf(schema: Schema): unknown {
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return sampleOf(schema.anyOf[0]!);
  switch (schema.type) {
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((name) => [name, sampleOf(schema.properties?.[name] ?? {})]));
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sampleOf(schema.items ?? {}));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string':
      if (schema.pattern === idPattern) return newId();
      if (schema.pattern === newPasswordPattern) return 'Sample-passw0rd';
      if (schema.pattern !== undefined) throw new Error(`no sample for the pattern ${schema.pattern}: add one here`);
      if (schema.format === 'date-time') return new Date(Date.now() + 24 * 60 * 60 * 1000).toISOString();
      return 'x'.repeat(Math.max(schema.minLength ?? 1, 1));
    default:
      throw new Error(`no sample for the schema ${JSON.stringify(schema)}`);
  }
}

/** inject options for `route` with `params` (name -> value) in its path. */
export function sampleRequest(route: RouteDefinition, params: Readonly<Record<string, string>>): InjectOptions {
  const url = route.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for the path parameter ${name}`);
    return encodeURIComponent(value);
  });
  const query = route.query ? (sampleOf(route.query) as Record<string, string>) : {};
  return {
    method: route.method,
    url,
    query,
    ...(route.body ? { payload: sampleOf(route.body) as Record<string, unknown> } : {}),
  };
}
