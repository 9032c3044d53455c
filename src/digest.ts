import * as crypto from 'node:crypto';

type Algorithm = 'sha1' | 'sha256';
type Encoding = 'hex' | 'base64url';

/**
 * The digest of a short text, made for each entry or page of a build (search ids, page keys):
 * `crypto.hash` (Node 20.12 and later) makes it without a Hash object, several times as fast as
 * `createHash` for the first thousands of calls of a build; earlier Nodes go through `createHash`,
 * with the same result.
 */
export const digestOfText: (algorithm: Algorithm, text: string, encoding: Encoding) => string =
  typeof crypto.hash === 'function' ? (algorithm, text, encoding) => crypto.hash(algorithm, text, encoding) : digestThroughHashObject;

export function digestThroughHashObject(algorithm: Algorithm, text: string, encoding: Encoding): string {
  return crypto.createHash(algorithm).update(text).digest(encoding);
}
