// Who owns each application, kept in memory: every request to an application needs
// it, and it never changes while the application exists. Only a deletion makes an
// entry stale, and deletions invalidate it here (and, through the store's
// notifications, on other nodes); the TTL bounds what a missed notification costs.
// Writes stay safe meanwhile: each checks its owner inside its own transaction
// (createToken), or changes rows the deletion already removed.
import type { ApplicationRecord, Store } from '../storage/port.js';

export type ApplicationOwner = Pick<ApplicationRecord, 'id' | 'ownerType' | 'ownerId'>;

interface Entry {
  owner: ApplicationOwner;
  cachedAt: number;
}

export class ApplicationOwners {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every invalidation, so a lookup that raced with one is not cached. */
  private epoch = 0;

  constructor(
    private readonly store: Store,
    private readonly ttlMs = 5_000,
    private readonly maxEntries = 100_000,
  ) {}

  async get(id: string, now: number): Promise<ApplicationOwner | undefined> {
    const entry = this.entries.get(id);
    if (entry && now - entry.cachedAt < this.ttlMs) return entry.owner;
    const epoch = this.epoch;
    const record = await this.store.getApplication(id);
    if (!record) {
      this.entries.delete(id);
      return undefined;
    }
    const owner = { id: record.id, ownerType: record.ownerType, ownerId: record.ownerId };
    if (epoch === this.epoch && this.ttlMs > 0) {
      // Maps iterate in insertion order: drop the oldest entry.
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(id, { owner, cachedAt: now });
    }
    return owner;
  }

  invalidate(id: string): void {
    this.epoch++;
    this.entries.delete(id);
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
  }
}
