// Bytes from the platform's CSPRNG, drawn a block at a time: one call costs several
// microseconds whatever its size (more than the rest of minting a token), so a
// block of 4 KiB serves about a hundred tokens. Each byte is handed out once and
// wiped from the block, which keeps no copy of a secret already issued.
const block = new Uint8Array(4096);
let used = block.length;

export function randomBytes(n: number): Uint8Array {
  if (n > block.length) throw new RangeError(`at most ${block.length} random bytes at a time`);
  if (used + n > block.length) {
    globalThis.crypto.getRandomValues(block);
    used = 0;
  }
  const out = block.slice(used, used + n);
  block.fill(0, used, used + n);
  used += n;
  return out;
}
