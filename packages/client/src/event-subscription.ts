// The verifier's subscription to GET /verify/events: one long fetch, parsed by
// eventsource-parser (Node 20 has no EventSource, and an EventSource could neither
// send the introspection secret nor use an injected fetch), reconnected with
// exponential backoff and Last-Event-ID, so the server replays what was missed or
// says `reset`. A stream silent for longer than `idleTimeoutMs` (the server sends a
// heartbeat every 15 s) is taken as dead and replaced.
import type { VerificationEvent } from '@latchkey/contract';
import { createParser } from 'eventsource-parser';
import { failure } from './request.js';

export interface EventSubscriptionOptions {
  /** The full URL of GET /verify/events. */
  href: string;
  authorization: string;
  fetch: typeof globalThis.fetch;
  onEvent: (event: VerificationEvent) => void;
  /** Called when the stream is open and its opening applied (true), and when it goes (false). */
  onConnected: (connected: boolean) => void;
  /** The server has no such route (404): the subscription stops. */
  onUnsupported: () => void;
  onError: (error: unknown) => void;
  idleTimeoutMs?: number;
  /** First wait before reconnecting, doubled on each failure up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface EventSubscription {
  close(): void;
}

const eventTypes = new Set(['token.changed', 'token.deleted', 'reset']);

function isVerificationEvent(value: unknown): value is VerificationEvent {
  if (typeof value !== 'object' || value === null) return false;
  const { type, tokenId } = value as { type?: unknown; tokenId?: unknown };
  return typeof type === 'string' && eventTypes.has(type) && (tokenId === undefined || typeof tokenId === 'string');
}

export function subscribeToEvents(options: EventSubscriptionOptions): EventSubscription {
  const idleTimeoutMs = options.idleTimeoutMs ?? 45_000;
  const minBackoffMs = options.minBackoffMs ?? 250;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  let closed = false;
  let lastEventId: string | undefined;
  let controller: AbortController | undefined;
  let wake: (() => void) | undefined;

  /** Waits `ms` (without keeping the process alive), or less when closed. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      (timer as { unref?: () => void }).unref?.();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /** One connection, until it ends; true when it opened. */
  async function connect(): Promise<boolean> {
    controller = new AbortController();
    const { signal } = controller;
    const headers: Record<string, string> = { accept: 'text/event-stream', authorization: options.authorization };
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    const response = await options.fetch(options.href, { headers, signal });
    if (response.status === 404) {
      await response.body?.cancel();
      options.onUnsupported();
      closed = true;
      return false;
    }
    if (!response.ok || !response.body) {
      const data: unknown = await response.json().catch(() => undefined);
      throw failure(response, data, 'GET /verify/events: ');
    }
    let idle: ReturnType<typeof setTimeout> | undefined;
    const stillAlive = () => {
      clearTimeout(idle);
      idle = setTimeout(() => controller?.abort(), idleTimeoutMs);
      (idle as { unref?: () => void }).unref?.();
    };
    const parser = createParser({
      onEvent(message) {
        if (message.id !== undefined) lastEventId = message.id;
        let event: unknown;
        try {
          event = JSON.parse(message.data);
        } catch {
          event = undefined;
        }
        if (isVerificationEvent(event)) options.onEvent(event);
        // Something this verifier cannot read may have changed anything.
        else options.onEvent({ type: 'reset' });
      },
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let connected = false;
    try {
      stillAlive();
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        stillAlive();
        parser.feed(chunk.value);
        // Connected once the stream's opening (its reset, or what was missed) is applied.
        if (!connected) options.onConnected((connected = true));
      }
    } finally {
      clearTimeout(idle);
      if (connected) options.onConnected(false);
    }
    return true;
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!closed) {
      try {
        if (await connect()) failures = 0;
        else failures++;
      } catch (error) {
        failures++;
        if (!closed) options.onError(error);
      }
      if (closed) return;
      // After a stream that opened and ended, the shortest wait; after failures, longer each time.
      await pause(Math.min(maxBackoffMs, minBackoffMs * 2 ** failures));
    }
  }

  void run();
  return {
    close() {
      closed = true;
      controller?.abort();
      wake?.();
    },
  };
}
