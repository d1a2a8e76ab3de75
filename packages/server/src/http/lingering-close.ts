// Answering before the whole body has arrived (a body over the limit, or an early
// refusal): the rest of the body is read and thrown away, as nginx's lingering close
// does. A socket closed while the client is still sending makes its next write fail
// (EPIPE, or a reset), and most clients then never hand over the answer they were
// sent. Bounded in bytes and time, so a client cannot keep a connection by never
// finishing its body.
import type { IncomingMessage } from 'node:http';

export interface DiscardBounds {
  /** Most bytes read and thrown away after the answer. */
  maxBytes: number;
  /** Longest wait for the body's end, in ms. */
  maxMs: number;
}

export const discardBounds: Readonly<DiscardBounds> = Object.freeze({ maxBytes: 64 * 1024 * 1024, maxMs: 10_000 });

/** Whether the request has a body that has not all arrived yet. Reads two headers: no allocation. */
export function bodyPending(req: IncomingMessage): boolean {
  return !req.readableEnded && (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined);
}

/**
 * Reads the rest of the body and throws it away. `done(true)` once it has all been
 * read; `done(false)` past a bound or when the client went away (reading then stops).
 */
export function discardBody(req: IncomingMessage, bounds: DiscardBounds, done: (whole: boolean) => void): void {
  let bytes = 0;
  let settled = false;
  const settle = (whole: boolean) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    req.removeListener('data', onData);
    req.removeListener('end', onEnd);
    req.removeListener('close', onClose);
    done(whole);
  };
  const onData = (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > bounds.maxBytes) settle(false);
  };
  const onEnd = () => settle(true);
  const onClose = () => settle(req.complete);
  const timer = setTimeout(() => settle(false), bounds.maxMs);
  timer.unref();
  req.on('data', onData);
  req.once('end', onEnd);
  req.once('close', onClose);
  req.resume();
}

/** After an answer already written: the rest of the body is thrown away, and past a bound the connection closed. */
export function lingerAfterAnswer(req: IncomingMessage, bounds: DiscardBounds = discardBounds): void {
  discardBody(req, bounds, (whole) => {
    if (!whole) req.socket.destroy();
  });
}
