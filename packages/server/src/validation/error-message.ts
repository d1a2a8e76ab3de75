// Turns the first schema violation of a request part into a message for the
// caller: an unknown field or enum value is named (with the nearest allowed value
// when one is close); anything else reads as Fastify's default,
// "<part><path> <what is wrong>".
import { isKnownScope } from '@latchkey/contract';
import type { ErrorObject } from 'ajv';
import { nearest } from './nearest.js';

/** A value as the caller wrote it, cut short: messages never echo a whole payload. */
function quoted(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.length > 100 ? `${text.slice(0, 100)}…` : text}'`;
}

function suggestion(value: unknown, allowed: readonly unknown[]): string {
  if (typeof value !== 'string') return '';
  const match = nearest(
    value,
    allowed.filter((a): a is string => typeof a === 'string'),
  );
  return match === undefined ? '' : `; did you mean '${match}'?`;
}

function unknownValue(part: string, error: ErrorObject): string {
  const allowed = (error.params as { allowedValues: readonly unknown[] }).allowedValues;
  const value: unknown = error.data;
  if (allowed.length > 0 && allowed.every((a) => typeof a === 'string' && isKnownScope(a))) {
    if (typeof value === 'string' && isKnownScope(value)) return `Scope ${quoted(value)} is not allowed in ${part}${error.instancePath}`;
    return `Unknown scope ${quoted(value)}${suggestion(value, allowed)}`;
  }
  const hint = suggestion(value, allowed) || (allowed.length <= 10 ? `; expected one of ${allowed.map(quoted).join(', ')}` : '');
  return `Unknown value ${quoted(value)} for ${part}${error.instancePath}${hint}`;
}

function unknownField(part: string, error: ErrorObject, name: string): string {
  const field = quoted(name);
  const what = part === 'querystring' ? `Unknown query parameter ${field}` : `Unknown field ${field}`;
  return error.instancePath === '' ? what : `${what} in ${part}${error.instancePath}`;
}

/**
 * A field of `error.data` its object schema does not know. Ajv reports a missing
 * required field first, but `{"nme": "x"}` lacks `name` because of the typo.
 */
function strayField(error: ErrorObject): string | undefined {
  const schema = error.parentSchema as { additionalProperties?: unknown; properties?: object } | undefined;
  if (schema?.additionalProperties !== false || typeof error.data !== 'object' || error.data === null) return undefined;
  const known = schema.properties ?? {};
  return Object.keys(error.data).find((key) => !Object.hasOwn(known, key));
}

/** `part` is Fastify's name for it: body, querystring, params or headers. */
export function validationMessage(part: string, error: ErrorObject): string {
  if (error.keyword === 'enum') return unknownValue(part, error);
  if (error.keyword === 'additionalProperties') {
    return unknownField(part, error, (error.params as { additionalProperty: string }).additionalProperty);
  }
  const stray = error.keyword === 'required' ? strayField(error) : undefined;
  if (stray !== undefined) return unknownField(part, error, stray);
  return `${part}${error.instancePath} ${error.message ?? 'is invalid'}`;
}
