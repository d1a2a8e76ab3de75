// Turns the first schema violation of a request part into a message for the
// caller: an unknown field or enum value is named (with the nearest allowed value
// when one is close); anything else reads as Fastify's default,
// "<part><path> <what is wrong>".
import { isKnownScope, tokenLength } from '@latchkey/contract';
import type { ErrorObject } from 'ajv';
import { nearest } from './nearest.js';

/**
 * A value as the caller wrote it, quoted, or undefined when it is not repeated:
 * anything as long as a token (or longer) might be a secret sent in the wrong
 * field, and an answer never carries a secret back. Catalogue scopes are shorter.
 */
function quoted(value: unknown): string | undefined {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text !== undefined && text.length < tokenLength ? `'${text}'` : undefined;
}

function suggestion(value: unknown, allowed: readonly unknown[]): string {
  if (typeof value !== 'string' || quoted(value) === undefined) return '';
  const match = nearest(
    value,
    allowed.filter((a): a is string => typeof a === 'string'),
  );
  return match === undefined ? '' : `; did you mean '${match}'?`;
}

function unknownValue(part: string, error: ErrorObject): string {
  const allowed = (error.params as { allowedValues: readonly unknown[] }).allowedValues;
  const value: unknown = error.data;
  const shown = quoted(value);
  const where = `${part}${error.instancePath}`;
  if (allowed.length > 0 && allowed.every((a) => typeof a === 'string' && isKnownScope(a))) {
    if (typeof value === 'string' && isKnownScope(value)) return `Scope ${shown} is not allowed in ${where}`;
    return shown === undefined ? `Unknown scope in ${where}` : `Unknown scope ${shown}${suggestion(value, allowed)}`;
  }
  const hint = suggestion(value, allowed) || (allowed.length <= 10 ? `; expected one of ${allowed.map(quoted).join(', ')}` : '');
  return shown === undefined ? `Unknown value for ${where}${hint}` : `Unknown value ${shown} for ${where}${hint}`;
}

function unknownField(part: string, error: ErrorObject, name: string): string {
  const field = quoted(name);
  const what = part === 'querystring' ? 'Unknown query parameter' : 'Unknown field';
  if (field === undefined) return `${what} in ${part}${error.instancePath}`;
  return error.instancePath === '' ? `${what} ${field}` : `${what} ${field} in ${part}${error.instancePath}`;
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
  // A pattern says nothing to a person; a schema that describes it says what it asks for.
  const described = (error.parentSchema as { description?: unknown } | undefined)?.description;
  if (error.keyword === 'pattern' && typeof described === 'string') return `${part}${error.instancePath} ${described}`;
  const stray = error.keyword === 'required' ? strayField(error) : undefined;
  if (stray !== undefined) return unknownField(part, error, stray);
  return `${part}${error.instancePath} ${error.message ?? 'is invalid'}`;
}
