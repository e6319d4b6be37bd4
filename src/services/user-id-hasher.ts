import crypto from 'node:crypto';

/**
 * User ids are stored only as HMAC-SHA-256 under a secret key. A bare SHA-256 of an email or phone
 * number is reversible by enumerating candidates; without the key, an HMAC is not.
 */
export class UserIdHasher {
  constructor(private readonly key: string) {}

  hash(userId: string | null | undefined): string | null {
    if (userId === null || userId === undefined || userId === '') return null;
    return crypto.createHmac('sha256', this.key).update(userId, 'utf8').digest('hex');
  }
}
