// GET /verify/events: what the store announces that can alter a verification, as
// Server-Sent Events, so verifiers downstream drop what they cached at once.
//
// Written by hand rather than with an SSE plugin: the format is a few lines of
// text, and what matters here (one sequence for every stream, a bounded buffer to
// resume from, `reset` otherwise, heartbeats, ending every stream before the server
// closes) is ours either way.
//
// Ids are `<origin>-<sequence>`: the origin is drawn once per app, so an id from
// another node or an earlier process never resumes here (it gets `reset`). Every
// node's stream carries every node's changes, since other nodes' writes reach this
// store's listeners through PostgreSQL NOTIFY.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { VerificationEvent } from '@latchkey/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store, StoreEvent } from '../storage/port.js';

export interface VerificationEventsOptions {
  /** A comment line on every stream this often, in ms, so proxies and clients see it is alive (default 15 s). */
  heartbeatMs?: number;
  /** Events kept to resume from (default 10,000). */
  bufferSize?: number;
}

export const defaultHeartbeatMs = 15_000;
export const defaultBufferSize = 10_000;
/** A stream that has this much unsent is dropped: its client resumes (or resets) when it reconnects. */
const maxBacklogBytes = 1024 * 1024;
/** What a generic EventSource waits before reconnecting. */
const retryMs = 1_000;
const lastEventIdShape = /^([0-9a-f]{12})-(\d{1,15})$/;

/**
 * What a store event means to a verifier: nothing (creates, uses, spends, audit,
 * renames of applications and users), one token, or everything (an owner's tokens
 * went, a user's sessions ended, an organization or a member's role changed, or
 * this node may have missed events): those do not say which tokens they touch.
 */
export function verificationEventOf(event: StoreEvent): VerificationEvent | undefined {
  switch (event.kind) {
    case 'token':
      return { type: event.deleted ? 'token.deleted' : 'token.changed', tokenId: event.id };
    case 'owner':
    case 'sessions':
    case 'organization':
    case 'member':
    case 'all':
      return { type: 'reset' };
    default:
      return undefined;
  }
}

const frame = (id: string, event: VerificationEvent) => `id: ${id}\ndata: ${JSON.stringify(event)}\n\n`;

export class VerificationEvents {
  readonly #origin = randomBytes(6).toString('hex');
  readonly #heartbeatMs: number;
  /** Frames by sequence, `sequence % size`: the last `size` are kept. */
  readonly #buffer: string[];
  #sequence = 0;
  readonly #streams = new Set<ServerResponse>();
  #heartbeat: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(store: Store, options: VerificationEventsOptions = {}) {
    this.#heartbeatMs = options.heartbeatMs ?? defaultHeartbeatMs;
    this.#buffer = new Array<string>(Math.max(1, options.bufferSize ?? defaultBufferSize));
    store.subscribe((event) => {
      const meaning = verificationEventOf(event);
      if (meaning) this.#publish(meaning);
    });
  }

  #publish(event: VerificationEvent): void {
    const sequence = ++this.#sequence;
    const text = frame(`${this.#origin}-${sequence}`, event);
    this.#buffer[sequence % this.#buffer.length] = text;
    for (const stream of this.#streams) this.#write(stream, text);
  }

  #write(stream: ServerResponse, text: string): void {
    if (stream.writableLength > maxBacklogBytes) {
      stream.destroy();
      return;
    }
    stream.write(text);
  }

  /** What a stream resuming after `lastEventId` is sent first: the events it missed, or `reset`. */
  #catchUp(lastEventId: string | undefined): string {
    const match = lastEventId === undefined ? null : lastEventIdShape.exec(lastEventId);
    const last = match && match[1] === this.#origin ? Number(match[2]) : NaN;
    const oldest = Math.max(1, this.#sequence - this.#buffer.length + 1);
    if (!(last >= oldest - 1 && last <= this.#sequence)) {
      return frame(`${this.#origin}-${this.#sequence}`, { type: 'reset' });
    }
    let text = '';
    for (let sequence = last + 1; sequence <= this.#sequence; sequence++) text += this.#buffer[sequence % this.#buffer.length];
    return text;
  }

  /** The route's handler: the response becomes the stream, until the client goes or the app closes. */
  open(request: FastifyRequest, reply: FastifyReply): void {
    const header = request.headers['last-event-id'];
    reply.hijack();
    const stream = reply.raw;
    const headers: Record<string, string | number | string[]> = {};
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value;
    stream.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    if (this.#closed) {
      stream.end();
      return;
    }
    stream.write(`retry: ${retryMs}\n\n${this.#catchUp(typeof header === 'string' ? header.trim() : undefined)}`);
    this.#streams.add(stream);
    stream.on('close', () => {
      this.#streams.delete(stream);
      if (this.#streams.size === 0) this.#stopHeartbeat();
    });
    this.#heartbeat ??= setInterval(() => {
      for (const open of this.#streams) this.#write(open, ': heartbeat\n\n');
    }, this.#heartbeatMs).unref();
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  /** Ends every stream (before the server closes, which would otherwise wait for them). */
  close(): void {
    this.#closed = true;
    this.#stopHeartbeat();
    for (const stream of this.#streams) stream.end();
    this.#streams.clear();
  }
}
