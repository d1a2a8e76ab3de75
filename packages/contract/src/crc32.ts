// CRC-32 (IEEE 802.3), table-driven. Written here rather than taken from node:zlib
// because `contract` must also run in browsers.
const table = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  table[n] = c >>> 0;
}

/**
 * CRC-32 of the first `end` characters of a string whose characters are bytes
 * (tokens are ASCII), read in place: no byte array per call.
 */
export function crc32(text: string, end = text.length): number {
  let crc = 0xffffffff;
  for (let i = 0; i < end; i++) crc = table[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
