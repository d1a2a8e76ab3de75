// Who a new token records as its creator: an API token records itself (its id
// and name) as `apiToken`.
import type { CreatorType } from '../storage/port.js';
import type { Principal } from './principal.js';

export interface Creator {
  creatorType: CreatorType;
  creatorId: string;
  creatorName: string;
}

export function creatorOf(principal: Principal): Creator {
  return { creatorType: 'apiToken', creatorId: principal.tokenId, creatorName: principal.tokenName };
}
