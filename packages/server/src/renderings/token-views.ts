// Tokens rendered to JSON, kept. A list answer mostly repeats the tokens of the last
// one, and reading a token's whole row, converting and serializing it costs more
// than the rest of the request. Each rendering is keyed by the token's version,
// which every change bumps on whichever node makes it, so the page's query for ids
// and versions alone tells which renderings are current: no invalidation protocol.
// Whole list answers are kept likewise, by the revision the store read the page at.
// Two things change without a write: a credits balance at its refill time (reads
// show it refilled before a spend stores it) and a rotation's grace period at its
// end (its fields leave the token object), so a rendering made before either is
// kept only until then.
import { apiTokenSchema, apiTokensSchema, BoundedCache, type ApiTokens } from '@latchkey/contract';
import fastJson from 'fast-json-stringify';
import type { OwnerType, Store, TokenListQuery, TokenRecord } from '../storage/port.js';
import { toApiToken } from '../tokens/api-token-wire.js';
import { balanceShownUntil } from '../tokens/credit-refill.js';
import { graceShownUntil } from '../tokens/rotation.js';

// The route table's response schemas, so a kept rendering is exactly what Fastify
// would have serialized.
// (The contract's schemas are deeply readonly; fast-json-stringify's types are not.)
const renderToken = fastJson(apiTokenSchema as unknown as fastJson.Schema);
const renderEnvelope = fastJson(apiTokensSchema as unknown as fastJson.Schema);
const noItems = '{"items":[]';
const itemsOpen = Buffer.from('{"items":[');
const comma = Buffer.from(',');

// Renderings are kept as UTF-8 bytes: a page is then one copy of each, where
// strings built by concatenation would be walked piece by piece to join them and
// walked again to measure and encode the answer.
interface Rendering {
  version: number;
  json: Buffer;
  /** Epoch ms from which it is stale though the version is not (see balanceShownUntil, graceShownUntil). */
  staleAt: number;
}

interface Answer {
  json: Buffer;
  /** The earliest of its tokens' staleAt. */
  staleAt: number;
}

// Whole list answers are kept up to this size: pages a dashboard polls. Bigger ones
// are rarer and would hold more memory than their rendering costs.
const keptAnswerBytes = 8 * 1024;
/** All kept answers together: a thousand of the largest. */
const keptAnswersBytes = 1000 * keptAnswerBytes;

/**
 * What names a list answer: the page's revision, owner and query. The rest of an
 * answer (its envelope) follows from the owner and query. The glob, the one free
 * text, comes last, so no two keys run together.
 */
function answerKey(revision: string, ownerType: OwnerType, ownerId: string, query: TokenListQuery): string {
  const { sortField, sortDirection, page, perPage, filter } = query;
  return `${revision} ${ownerType} ${ownerId} ${sortField} ${sortDirection} ${page} ${perPage}${filter ? ` ${filter.field} ${filter.glob}` : ''}`;
}

export class TokenViews {
  private readonly kept: BoundedCache<string, Rendering>;
  /**
   * List answers by the revision of the page they were built from (see
   * TokenRefPage.revision): the same revision, owner and query, the same page,
   * whichever node wrote last, so the same answer.
   */
  private readonly answers = new BoundedCache<string, Answer>({ maxWeight: keptAnswersBytes, weigh: (answer) => answer.json.length });

  // As many tokens as SQLite's read cache keeps on its pages (ReadCache's bound): a
  // kept page's tokens stay rendered, and a walk over an application of 100,000
  // tokens (bench:scale) keeps the server's RSS well inside 200 MB.
  constructor(
    private readonly now: () => number = Date.now,
    maxEntries = 20_000,
  ) {
    this.kept = new BoundedCache({ max: maxEntries });
  }

  /** One token as the API Token object, serialized. */
  render(record: TokenRecord): Buffer {
    return this.rendering(record, this.now()).json;
  }

  private rendering(record: TokenRecord, now: number): Rendering {
    const kept = this.current(record.id, record.version, now);
    if (kept) return kept;
    const rendering = {
      version: record.version,
      json: Buffer.from(renderToken(toApiToken(record, now))),
      staleAt: Math.min(balanceShownUntil(record.credits, now), graceShownUntil(record, now)),
    };
    this.kept.set(record.id, rendering);
    return rendering;
  }

  /** A list answer: `envelope` gives every field but the items, which come from the store. */
  async page(
    store: Store,
    ownerType: OwnerType,
    ownerId: string,
    query: TokenListQuery,
    envelope: Omit<ApiTokens, 'items' | 'count' | 'totalCount'>,
  ): Promise<Buffer> {
    const refs = await store.listTokenRefs(ownerType, ownerId, query);
    const key = refs.revision === null ? undefined : answerKey(refs.revision, ownerType, ownerId, query);
    const now = this.now();
    const answered = key === undefined ? undefined : this.answers.get(key);
    if (answered && now < answered.staleAt) return answered.json;
    const items = refs.items.map((ref) => this.current(ref.id, ref.version, now));
    const missing = refs.items.filter((_, i) => items[i] === undefined).map((ref) => ref.id);
    if (missing.length > 0) {
      const records = new Map((await store.getTokens(ownerType, ownerId, missing)).map((r) => [r.id, r]));
      refs.items.forEach((ref, i) => {
        const record = records.get(ref.id);
        // Deleted between the two reads: it is no longer on the page.
        if (items[i] === undefined && record) items[i] = this.rendering(record, now);
      });
    }
    const parts: Buffer[] = [itemsOpen];
    let count = 0;
    let staleAt = Number.POSITIVE_INFINITY;
    for (const item of items) {
      if (item === undefined) continue;
      if (count++ > 0) parts.push(comma);
      parts.push(item.json);
      staleAt = Math.min(staleAt, item.staleAt);
    }
    const rest = renderEnvelope({ items: [], count, totalCount: refs.totalCount, ...envelope });
    // The schema lists items first, so the rendered items go right after `{"items":[`.
    if (!rest.startsWith(noItems)) throw new Error('apiTokensSchema must list items first');
    parts.push(Buffer.from(`]${rest.slice(noItems.length)}`));
    const answer = Buffer.concat(parts);
    if (key !== undefined && answer.length <= keptAnswerBytes) this.answers.set(key, { json: answer, staleAt });
    return answer;
  }

  /** The kept rendering of this version of the token, if it is still current at `now`. */
  private current(id: string, version: number, now: number): Rendering | undefined {
    const hit = this.kept.get(id);
    return hit?.version === version && now < hit.staleAt ? hit : undefined;
  }

  forget(id: string): void {
    this.kept.delete(id);
  }

  clear(): void {
    this.kept.clear();
    this.answers.clear();
  }
}
