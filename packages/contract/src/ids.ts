// Ids are 24 lowercase hex characters, like Losant's (MongoDB ObjectId): 4 bytes of
// seconds since the epoch, 2 bytes of the fraction of that second, then 6 random
// bytes. So ids sort by creation to the millisecond and stay unguessable (48 random
// bits within a millisecond). The time prefix matters for writes: a new row lands
// near the end of each index that orders by id, on pages the last writes already
// touched, instead of on a random page of each index.
import { randomBytes } from './random.js';

export const idPattern = '^[A-Fa-f\\d]{24}$';

export function newId(nowMs: number = Date.now()): string {
  const seconds = Math.floor(nowMs / 1000);
  const fraction = Math.floor((nowMs - seconds * 1000) * 65.536);
  let hex = seconds.toString(16).padStart(8, '0') + fraction.toString(16).padStart(4, '0');
  for (const byte of randomBytes(6)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
