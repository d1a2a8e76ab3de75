// Two Ajv instances: bodies are validated strictly (no type coercion, unknown
// fields refused), while query strings and path parameters are coerced from text,
// as they must be. Fastify's default would coerce bodies and silently drop unknown
// fields, which would hide client mistakes. Messages name what is wrong
// (validation/error-message.ts), and every string passed is checked for text no
// store keeps faithfully (validation/ill-formed-text.ts).
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { validationMessage } from './validation/error-message.js';
import { illFormedText } from './validation/ill-formed-text.js';

function createAjv(options: Options): Ajv {
  // verbose: errors carry the offending value, which messages name.
  const ajv = new Ajv({ allErrors: false, removeAdditional: false, strict: false, verbose: true, ...options });
  addFormats.default(ajv, ['date-time', 'email']);
  return ajv;
}

const strict = createAjv({ coerceTypes: false, useDefaults: true });
const coercing = createAjv({ coerceTypes: true, useDefaults: true });

/** A refusal in the shape Fastify takes from a validator: a 400 whose message is ours. */
function refusal(message: string, validation: unknown): { error: Error } {
  return { error: Object.assign(new Error(message), { validation }) };
}

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const part = httpPart ?? 'body';
  const validate = (part === 'body' ? strict : coercing).compile(schema);
  // Fastify passes the request as parent data so Ajv may replace a coerced root value.
  const check = (data: unknown, context?: object) => {
    if (!validate(data, context as Parameters<typeof validate>[1])) {
      const first = validate.errors![0]!;
      return refusal(validationMessage(part, first), validate.errors);
    }
    const illFormed = illFormedText(data, part);
    return illFormed === undefined ? true : refusal(illFormed, []);
  };
  return Object.assign(check, { schemaEnv: validate.schemaEnv });
};
