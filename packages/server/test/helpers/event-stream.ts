// A reader of GET /verify/events for tests: the raw text/event-stream split into
// frames, so tests assert the wire format itself (ids, data, comments).
export interface Frame {
  id?: string;
  data?: unknown;
  comment?: string;
  retry?: number;
}

export interface EventStream {
  response: Response;
  /** The next frame; rejects when the stream ends first. */
  next(): Promise<Frame>;
  /** The next frame that carries data (skipping comments and the retry line). */
  nextEvent(): Promise<Frame & { data: { type: string; tokenId?: string } }>;
  /** Resolves when the server ends the stream. */
  ended(): Promise<void>;
  close(): void;
}

export async function openEventStream(url: string, secret: string, lastEventId?: string): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(`${url}/verify/events`, {
    headers: { authorization: `Bearer ${secret}`, ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }) },
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let done = false;

  async function block(): Promise<string> {
    for (;;) {
      const end = text.indexOf('\n\n');
      if (end >= 0) {
        const head = text.slice(0, end);
        text = text.slice(end + 2);
        return head;
      }
      if (done) throw new Error(`the stream ended${text ? ` with ${JSON.stringify(text)} unread` : ''}`);
      const chunk = await reader.read();
      if (chunk.done) done = true;
      else text += decoder.decode(chunk.value, { stream: true });
    }
  }

  async function next(): Promise<Frame> {
    const frame: Frame = {};
    for (const line of (await block()).split('\n')) {
      if (line.startsWith(':')) frame.comment = line.slice(1).trim();
      else if (line.startsWith('id: ')) frame.id = line.slice(4);
      else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6));
      else if (line.startsWith('retry: ')) frame.retry = Number(line.slice(7));
      else throw new Error(`unexpected line ${JSON.stringify(line)}`);
    }
    return frame;
  }

  return {
    response,
    next,
    async nextEvent() {
      for (;;) {
        const frame = await next();
        if (frame.data !== undefined) return frame as Frame & { data: { type: string; tokenId?: string } };
      }
    },
    async ended() {
      while (!done) {
        const chunk = await reader.read();
        if (chunk.done) done = true;
      }
    },
    close: () => controller.abort(),
  };
}
