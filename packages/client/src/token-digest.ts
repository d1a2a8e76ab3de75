// The SHA-256 (hex) of a token, what the verifier's cache keys hold instead of the
// token. On Node, node:crypto's synchronous hash (reached through
// process.getBuiltinModule, so no import ties the package to Node and bundlers leave
// it alone); elsewhere WebCrypto's, which is asynchronous and slower per call.
interface NodeCrypto {
  createHash(algorithm: 'sha256'): { update(text: string): { digest(encoding: 'hex'): string } };
}

const nodeCrypto = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.(
  'node:crypto',
) as NodeCrypto | undefined;

/** The digest now where the platform hashes synchronously, else undefined (use sha256Hex). */
export const sha256HexNow: ((text: string) => string) | undefined = nodeCrypto
  ? (text) => nodeCrypto.createHash('sha256').update(text).digest('hex')
  : undefined;

/** Hex SHA-256 with WebCrypto, so the verifier runs in browsers and workers too. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
