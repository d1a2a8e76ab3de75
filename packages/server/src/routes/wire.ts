// Small conversions every route shares between stored values and the wire.
import { BoundedCache } from '@latchkey/contract';
import type { FastifyReply } from 'fastify';

// Formatting a date costs more than reading its row: listed tokens repeat the same
// few timestamps request after request, so the strings are kept (bounded). Shared by
// the apps of one process, and safe to be: a date's text never changes.
const formatted = new BoundedCache<number, string>({ max: 100_000 });

/** Epoch milliseconds -> ISO 8601 UTC with milliseconds, as Losant writes dates. */
export function iso(ms: number): string {
  let text = formatted.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString();
    formatted.set(ms, text);
  }
  return text;
}

/** Answers with JSON the route has already serialized (through its own response schema). */
export function serialized(reply: FastifyReply, json: Buffer): Buffer {
  void reply.type('application/json; charset=utf-8');
  return json;
}
