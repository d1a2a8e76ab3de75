// Ids are 24 lowercase hex characters, like Losant's (MongoDB ObjectId): 4 bytes of
// seconds since the epoch, then 8 random bytes, so ids sort roughly by creation.
import { randomBytes } from './random.js';

export const idPattern = '^[A-Fa-f\\d]{24}$';

export function newId(nowMs: number = Date.now()): string {
  const random = randomBytes(8);
  let hex = Math.floor(nowMs / 1000).toString(16).padStart(8, '0');
  for (const byte of random) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
