// GitHub secret scanning as the tests play it: a P-256 key pair made here, its
// public half written as GitHub's public_keys document to a temp file (read back by
// the server's own loader), and report bodies signed as GitHub signs them.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { readGithubScanningKeys, type GithubScanningKeys } from '../../src/secret-scanning/github-keys.js';

export interface GithubSigner {
  identifier: string;
  /** The keys file's path. */
  file: string;
  /** The keys as the server reads them from the file. */
  keys: GithubScanningKeys;
  privateKey: KeyObject;
  /** The signature headers of this body, signed with `privateKey` (or another key). */
  headers(body: string | Buffer, privateKey?: KeyObject, identifier?: string): Record<string, string>;
}

export const newP256Key = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

export function githubSigner(
  t: TestContext,
  identifier = 'bcb53661c06b4728e59d897fb6165d5c9cda0fd9cdf9d09ead458168deb7518c',
): GithubSigner {
  const { publicKey, privateKey } = newP256Key();
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-github-keys-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'secret_scanning.json');
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  writeFileSync(file, JSON.stringify({ public_keys: [{ key_identifier: identifier, key: pem, is_current: true }] }));
  return {
    identifier,
    file,
    keys: readGithubScanningKeys(file),
    privateKey,
    headers(body, key = privateKey, id = identifier) {
      const signature = sign('sha256', Buffer.from(body), { key, dsaEncoding: 'der' }).toString('base64');
      return { 'content-type': 'application/json', 'github-public-key-identifier': id, 'github-public-key-signature': signature };
    },
  };
}
