// The console talks to the server that serves it, through the typed SDK.
import { createClient, LatchkeyError, type LatchkeyClient } from '@latchkey/client';

export function clientFor(accessToken?: string): LatchkeyClient {
  return createClient({ url: window.location.origin, accessToken, timeoutMs: 30_000 });
}

export interface ShownError {
  type: string;
  message: string;
  statusCode: number;
}

/** Every failure as the server's `{type, message}` (or the SDK's Network / Timeout). */
export function toShownError(error: unknown): ShownError {
  if (error instanceof LatchkeyError) return { type: error.type, message: error.message, statusCode: error.statusCode };
  return { type: 'Error', message: error instanceof Error ? error.message : String(error), statusCode: 0 };
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}
