// GitHub secret scanning's public keys, as the operator gives them
// (--github-scanning-keys FILE: the JSON GitHub serves at
// https://api.github.com/meta/public_keys/secret_scanning), and the check of a
// report's signature against them: ECDSA over NIST P-256 with SHA-256, over the raw
// body, the signature base64 DER. The server never fetches the keys itself (it may
// have no way out); README says how to refresh the file.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The keys by GitHub's key identifier. */
export type GithubScanningKeys = ReadonlyMap<string, KeyObject>;

/** The keys of GitHub's `public_keys` document; throws saying what is wrong with it. */
export function parseGithubScanningKeys(text: string, source: string): GithubScanningKeys {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new Error(`${source}: not JSON; expected GitHub's {"public_keys": [{"key_identifier", "key"}]}`);
  }
  const list = (document as { public_keys?: unknown } | null)?.public_keys;
  if (!Array.isArray(list) || list.length === 0) {
    throw new Error(`${source}: expected GitHub's {"public_keys": [{"key_identifier", "key"}, ...]} with at least one key`);
  }
  const keys = new Map<string, KeyObject>();
  list.forEach((entry: unknown, i) => {
    const { key_identifier: id, key: pem } = (entry ?? {}) as { key_identifier?: unknown; key?: unknown };
    if (typeof id !== 'string' || id === '' || typeof pem !== 'string') {
      throw new Error(`${source}: public_keys[${i}] needs a key_identifier and a PEM key`);
    }
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch {
      throw new Error(`${source}: public_keys[${i}] (${id}): the key is not a PEM public key`);
    }
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error(`${source}: public_keys[${i}] (${id}): not an ECDSA NIST P-256 key`);
    }
    keys.set(id, key);
  });
  return keys;
}

/** Read once, at start. */
export function readGithubScanningKeys(path: string): GithubScanningKeys {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`--github-scanning-keys ${path}: ${(error as Error).message}`);
  }
  return parseGithubScanningKeys(text, `--github-scanning-keys ${path}`);
}

const base64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Whether `body` is signed by the key the identifier names. A header given twice, or absent, is not a signature. */
export function signedByGithub(
  keys: GithubScanningKeys,
  identifier: string | string[] | undefined,
  signature: string | string[] | undefined,
  body: Buffer,
): boolean {
  if (typeof identifier !== 'string' || typeof signature !== 'string' || !base64.test(signature)) return false;
  const key = keys.get(identifier);
  if (key === undefined) return false;
  try {
    return verify('sha256', body, { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
  } catch {
    // A signature that is not DER at all.
    return false;
  }
}
