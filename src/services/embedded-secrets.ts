import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The embedded default's USER_ID_HMAC_KEY: generated on first start and kept beside the data, so user
 * id hashes stay stable across restarts (a new key would make the same user look like a new one).
 */
export function loadOrCreateHmacKey(dataDir: string): string {
  const file = path.join(dataDir, 'user-id-hmac.key');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const key = crypto.randomBytes(32).toString('hex');
  fs.writeFileSync(file, key + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}
