// Verifications the verifier answered from its cache, counted per token, outcome
// and minute, and sent to POST /verify/usage in batches, so latchkey's usage counts
// every verification. A batch that fails is kept and sent with the next one; a
// server without the route (404) is not asked again, and what was counted is dropped.
import type { UsageCode, VerifyUsageRequest } from '@latchkey/contract';
import { LatchkeyError } from './errors.js';
import { exchange, failure } from './request.js';

const minuteMs = 60_000;
/** The route's bound on items per request. */
const maxItems = 10_000;

export interface UsageReportOptions {
  href: string;
  authorization: string;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  /** How often counts are sent, in ms (0: only on flush). */
  intervalMs: number;
  onError: (error: unknown) => void;
}

export class UsageReport {
  /** `tokenId code minute` -> verifications answered from the cache. */
  #counts = new Map<string, number>();
  #supported = true;
  #timer: ReturnType<typeof setInterval> | undefined;
  #flushing: Promise<void> | undefined;

  constructor(private readonly options: UsageReportOptions) {}

  count(tokenId: string, code: UsageCode, now: number): void {
    if (!this.#supported) return;
    const key = `${tokenId} ${code} ${Math.floor(now / minuteMs) * minuteMs}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    if (this.#timer === undefined && this.options.intervalMs > 0) {
      this.#timer = setInterval(() => void this.flush().catch(this.options.onError), this.options.intervalMs);
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  /** Sends everything counted so far (one request per 10,000 items); one flush at a time. */
  flush(): Promise<void> {
    this.#flushing ??= this.#send().finally(() => (this.#flushing = undefined));
    return this.#flushing;
  }

  async #send(): Promise<void> {
    while (this.#counts.size > 0 && this.#supported) {
      const batch = [...this.#counts].slice(0, maxItems);
      for (const [key] of batch) this.#counts.delete(key);
      const usage: VerifyUsageRequest['usage'] = batch.map(([key, count]) => {
        const [tokenId, code, minute] = key.split(' ') as [string, UsageCode, string];
        return { tokenId, code, time: new Date(Number(minute)).toISOString(), count };
      });
      try {
        const { response, data } = await exchange(
          'POST /verify/usage',
          this.options.href,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: this.options.authorization },
            body: JSON.stringify({ usage }),
          },
          { timeoutMs: this.options.timeoutMs, fetch: this.options.fetch },
        );
        if (response.status === 404) {
          this.#supported = false;
          this.#counts.clear();
          return;
        }
        if (!response.ok) {
          // A refusal that will not change (a malformed report) drops the batch; others are retried.
          const final = response.status >= 400 && response.status < 500 && response.status !== 429;
          if (!final) this.#keep(batch);
          throw failure(response, data, 'POST /verify/usage: ');
        }
      } catch (error) {
        if (!(error instanceof LatchkeyError) || error.statusCode === 0) this.#keep(batch);
        throw error;
      }
    }
  }

  /** Counts a batch that was not sent back in, added to whatever was counted meanwhile. */
  #keep(batch: ReadonlyArray<[string, number]>): void {
    for (const [key, count] of batch) this.#counts.set(key, (this.#counts.get(key) ?? 0) + count);
  }

  /** Sends what is left and stops the timer. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}
