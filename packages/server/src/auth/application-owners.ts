// Who owns each application, kept in memory: every request to an application needs
// it, and it never changes while the application exists. Only a deletion makes an
// entry stale, and the store announces deletions here and on other nodes
// (cache-invalidation.ts drops the entry); the TTL bounds what a missed one costs.
// Writes stay safe meanwhile: each checks its owner inside its own transaction
// (createToken), or changes rows the deletion already removed.
import { BoundedCache } from '@latchkey/contract';
import type { ApplicationRecord, Store } from '../storage/port.js';

export type ApplicationOwner = Pick<ApplicationRecord, 'id' | 'ownerType' | 'ownerId'>;

export class ApplicationOwners {
  private readonly owners: BoundedCache<string, ApplicationOwner>;

  constructor(
    private readonly store: Store,
    ttlMs = 5_000,
    now: () => number = Date.now,
    maxEntries = 100_000,
  ) {
    this.owners = new BoundedCache({ max: maxEntries, ttlMs, now });
  }

  /** The application's owner, or undefined when it does not exist. (The cache reads the app's clock itself.) */
  async get(id: string): Promise<ApplicationOwner | undefined> {
    const kept = this.owners.get(id);
    if (kept) return kept;
    const epoch = this.owners.begin();
    const record = await this.store.getApplication(id);
    if (!record) return undefined;
    const owner = { id: record.id, ownerType: record.ownerType, ownerId: record.ownerId };
    this.owners.set(id, owner, epoch);
    return owner;
  }

  invalidate(id: string): void {
    this.owners.delete(id);
  }

  clear(): void {
    this.owners.clear();
  }
}
