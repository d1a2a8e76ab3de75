// The caches' one store listener: what the store announces it changed (here, and
// through PostgreSQL NOTIFY on other nodes) is dropped from this node's memory.
import type { ApplicationOwners } from './auth/application-owners.js';
import type { TokenCache } from './auth/token-cache.js';
import type { TokenViews } from './renderings/token-views.js';
import type { Store, StoreEvent } from './storage/port.js';

export interface NodeCaches {
  tokens: TokenCache;
  owners: ApplicationOwners;
  views: TokenViews;
}

/** Subscribes the caches to the store's announcements: the one way anything leaves them early. */
export function listenForInvalidations(store: Store, caches: NodeCaches): void {
  const { tokens, owners, views } = caches;
  // Renderings need no invalidation to stay correct (versions see to that); deleted
  // tokens' renderings are dropped so they do not take room. Kinds this listener does
  // not know name nothing these caches hold.
  const invalidate = (event: StoreEvent): void => {
    switch (event.kind) {
      case 'token':
        tokens.invalidateToken(event.id);
        views.forget(event.id);
        return;
      case 'sessions':
        // Sessions are never rendered nor own applications: only verified tokens hold them.
        tokens.invalidateSessions(event.userId, event.kept);
        return;
      case 'owner':
        tokens.invalidateOwner(event.id);
        owners.invalidate(event.id);
        return;
      case 'all':
        tokens.clear();
        owners.clear();
        views.clear();
    }
  };
  store.subscribe(invalidate);
}
