// Small conversions every route shares between stored values and the wire.

/** Epoch milliseconds -> ISO 8601 UTC with milliseconds, as Losant writes dates. */
export const iso = (ms: number) => new Date(ms).toISOString();

/** Losant accepts `asc`/`desc` in either case; the answer echoes lower case. */
export function direction(value: string | undefined, fallback: 'asc' | 'desc'): 'asc' | 'desc' {
  const lower = value?.toLowerCase();
  return lower === 'asc' || lower === 'desc' ? lower : fallback;
}
