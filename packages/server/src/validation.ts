// Two Ajv instances: bodies are validated strictly (no type coercion, unknown
// fields refused), while query strings and path parameters are coerced from text,
// as they must be. Fastify's default would coerce bodies and silently drop unknown
// fields, which would hide client mistakes.
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

function createAjv(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: false, removeAdditional: false, strict: false, ...options });
  addFormats.default(ajv, ['date-time', 'email']);
  return ajv;
}

const strict = createAjv({ coerceTypes: false, useDefaults: true });
const coercing = createAjv({ coerceTypes: true, useDefaults: true });

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strict : coercing).compile(schema);
