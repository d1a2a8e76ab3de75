// Who a new token records as its creator: a signed-in user (session) as `user`
// with the user's id and name; any API token as `apiToken` with its id and name.
import { displayName } from '../bootstrap.js';
import type { CreatorType, Store } from '../storage/port.js';
import type { Principal } from './principal.js';

export interface Creator {
  creatorType: CreatorType;
  creatorId: string;
  creatorName: string;
}

export async function creatorOf(store: Store, principal: Principal): Promise<Creator> {
  if (principal.kind === 'user' && principal.session) {
    const user = await store.getUser(principal.userId);
    if (user) return { creatorType: 'user', creatorId: user.id, creatorName: displayName(user) };
  }
  return { creatorType: 'apiToken', creatorId: principal.tokenId, creatorName: principal.tokenName };
}
